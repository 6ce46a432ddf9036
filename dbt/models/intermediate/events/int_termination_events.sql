{#- Termination events (experienced and new hires): effective on the termination date. -#}
select
    {{ event_columns('termination', 'w.termination_date') }},
    w.termination_reason,
    w.hire_date
from {{ ref('int_workforce_year_state') }} as w
where w.termination_date is not null
