{#- HCE status events: on January 1 when the status differs from the previous year's. -#}
select
    m.simulation_year,
    m.employee_key,
    m.employee_id,
    w.key_hash,
    w.id_hash,
    'hce_status' as event_type,
    make_date(m.simulation_year, 1, 1) as effective_date,
    1 as sub_order,
    m.is_hce,
    {{ money('m.hce_threshold') }} as hce_threshold,
    {{ money('m.lookback_cents') }} as lookback_compensation
from {{ ref('int_money_year') }} as m
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = m.simulation_year and w.employee_key = m.employee_key
where m.hce_changed
