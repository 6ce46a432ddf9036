{#- event_sequence numbers each employee's events of a year 1..n: first its workforce and
    participation events (types 1-7) in (date, type code, sub-order) order, then its money
    events (types 8-12) in the same order (rules, "Events", "Money event order"). One row per
    employee-year whose numbering has a gap or a repeat, or breaks either order. -#}
with

money_types as (
    select event_type
    from {{ ref('stg_planalign__event_types') }}
    where event_type in ('contribution', 'vesting', 'forfeiture', 'hce_status', 'compliance')
),

events as (
    select
        e.*,
        e.event_type in (select event_type from money_types) as is_money
    from {{ ref('fct_yearly_events') }} as e
),

ordered as (
    select
        *,
        lag(effective_date) over (
            partition by scenario_id, employee_id, simulation_year, is_money order by event_sequence
        ) as previous_date
    from events
)

select scenario_id, employee_id, simulation_year, count(*) as events, max(event_sequence) as last
from ordered
group by scenario_id, employee_id, simulation_year
having count(*) != max(event_sequence)
    or count(distinct event_sequence) != count(*)
    or min(event_sequence) != 1
    or bool_or(effective_date < previous_date)
    or max(case when not is_money then event_sequence end)
        > min(case when is_money then event_sequence end)
