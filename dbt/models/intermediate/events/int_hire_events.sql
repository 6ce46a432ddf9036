{#- Hire events of every simulated year (rules, "Events"): effective on the hire date. -#}
select
    {{ event_columns('hire', 'w.hire_date') }},
    w.start_job_level as job_level,
    {{ money('w.start_compensation_cents') }} as annual_compensation,
    w.birth_date
from {{ ref('int_workforce_year_state') }} as w
where w.is_new_hire
