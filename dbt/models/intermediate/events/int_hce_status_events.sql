{#- HCE status events: on January 1 when the status differs from the previous year's. -#}
select
    {{ event_columns('hce_status', 'make_date(m.simulation_year, 1, 1)', row='m') }},
    m.is_hce,
    {{ money('m.hce_threshold') }} as hce_threshold,
    {{ money('m.lookback_cents') }} as lookback_compensation
from {{ ref('int_money_year') }} as m
{{ join_year_workforce('m') }}
where m.hce_changed
