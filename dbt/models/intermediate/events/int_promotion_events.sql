{#- Promotion events: effective on date(Y, compensation.promotion_date). -#}
select
    {{ event_columns('promotion', date_in_year('w.simulation_year', 'cfg.promotion_month_day')) }},
    w.start_job_level as from_level,
    w.job_level as to_level,
    {{ money('w.start_compensation_cents') }} as previous_compensation,
    {{ money('w.promoted_compensation_cents') }} as new_compensation
from {{ ref('int_workforce_year_state') }} as w
cross join {{ ref('stg_planalign__config') }} as cfg
where w.promoted
