{#- Merit events: effective on date(Y, compensation.merit_date), from the pay after promotion. -#}
select
    {{ event_columns('merit', date_in_year('w.simulation_year', 'cfg.merit_month_day')) }},
    {{ money('w.promoted_compensation_cents') }} as previous_compensation,
    {{ money('w.compensation_cents') }} as new_compensation,
    {{ rate('w.merit_units') }} as merit_rate,
    {{ rate('w.cola_units') }} as cola_rate
from {{ ref('int_workforce_year_state') }} as w
cross join {{ ref('stg_planalign__config') }} as cfg
where w.merit_raise
