{#- An event is emitted only for an employee active on its date (rules, "Conventions"): hire on
    the hire date, nothing before it, nothing on or after a termination except the termination
    itself, a hire on the same day and forfeitures (on the termination date), and at most one
    hire and one termination per employee and year. -#}
with

events as (
    select * from {{ ref('fct_yearly_events') }}
),

snapshot as (
    select * from {{ ref('fct_workforce_snapshot') }}
)

select e.scenario_id, e.employee_id, e.simulation_year, e.event_type, e.effective_date
from events as e
left join snapshot as s
    on s.scenario_id = e.scenario_id
    and s.employee_id = e.employee_id
    and s.simulation_year = e.simulation_year
where s.employee_id is null
   or e.effective_date < s.hire_date
   or (e.event_type = 'hire' and e.effective_date != s.hire_date)
   or (e.event_type in ('termination', 'forfeiture')
       and e.effective_date is distinct from s.termination_date)
   or (e.event_type not in ('hire', 'termination', 'forfeiture')
       and e.effective_date >= s.termination_date)

union all

select scenario_id, employee_id, simulation_year, event_type, min(effective_date)
from events
where event_type in ('hire', 'termination')
group by scenario_id, employee_id, simulation_year, event_type
having count(*) > 1
