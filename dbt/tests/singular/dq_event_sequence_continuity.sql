{#- event_sequence numbers each employee's events of a year 1..n in (date, type code,
    sub-order) order: one row per employee-year whose numbering has a gap, a repeat, or an
    event dated before the one numbered before it. -#}
with

events as (
    select
        e.*,
        lag(e.effective_date) over (
            partition by e.scenario_id, e.employee_id, e.simulation_year
            order by e.event_sequence
        ) as previous_date
    from {{ ref('fct_yearly_events') }} as e
)

select scenario_id, employee_id, simulation_year, count(*) as events, max(event_sequence) as last
from events
group by scenario_id, employee_id, simulation_year
having count(*) != max(event_sequence)
    or count(distinct event_sequence) != count(*)
    or min(event_sequence) != 1
    or bool_or(effective_date < previous_date)
