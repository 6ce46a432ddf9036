{#- Hire events of every simulated year (rules, "Events"): effective on the hire date. -#}
select
    w.simulation_year,
    w.employee_key,
    w.employee_id,
    w.key_hash,
    w.id_hash,
    'hire' as event_type,
    w.hire_date as effective_date,
    1 as sub_order,
    w.start_job_level as job_level,
    {{ money('w.start_compensation_cents') }} as annual_compensation,
    w.birth_date
from {{ ref('int_workforce_year_state') }} as w
where w.is_new_hire
