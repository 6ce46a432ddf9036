{#- Termination events (experienced and new hires): effective on the termination date. -#}
select
    w.simulation_year,
    w.employee_key,
    w.employee_id,
    w.key_hash,
    w.id_hash,
    'termination' as event_type,
    w.termination_date as effective_date,
    1 as sub_order,
    w.termination_reason,
    w.hire_date
from {{ ref('int_workforce_year_state') }} as w
where w.termination_date is not null
