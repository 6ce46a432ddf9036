{#- Data quality of int_deferral_rate_state_accumulator across years. One row per violation:
    - a rate outside [0, enrollment.max_deferral_rate];
    - a state_version that does not continue: the previous year's version plus the events
      applied this year (0 plus them in an employee's first year);
    - an employee with a row after a year in which it was inactive, or a continuing employee
      whose previous row is missing;
    - more than one is_current row, an is_current row that is not the employee's latest, or
      (once the run's last year is built) an employee without an is_current row;
    - a source_event_id that is not an enrollment or escalation event of that employee and
      year in fct_yearly_events, or a rate that differs from fct_workforce_snapshot's. -#}

with

state as (
    select * from {{ ref('int_deferral_rate_state_accumulator') }}
),

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

run as (
    select * from {{ ref('int_run') }}
),

with_previous as (
    select
        s.*,
        lag(s.simulation_year) over by_employee as previous_year,
        lag(s.state_version) over by_employee as previous_version,
        lag(s.is_active) over by_employee as previous_active,
        max(s.simulation_year) over (partition by s.scenario_id, s.employee_id) as latest_year
    from state as s
    window by_employee as (partition by s.scenario_id, s.employee_id order by s.simulation_year)
),

rate_out_of_range as (
    select scenario_id, employee_id, simulation_year, 'rate outside [0, max_deferral_rate]' as problem
    from state cross join cfg
    where current_deferral_rate < 0
       or current_deferral_rate > {{ rate('cfg.max_deferral_rate') }}
),

version_breaks as (
    select scenario_id, employee_id, simulation_year, 'state_version does not continue' as problem
    from with_previous
    where state_version != coalesce(previous_version, 0) + len(source_event_ids)
),

year_gaps as (
    select scenario_id, employee_id, simulation_year,
        case
            when previous_active = false then 'row after an inactive year'
            else 'missing previous year'
        end as problem
    from with_previous
    where previous_year is not null
      and (previous_year != simulation_year - 1 or previous_active = false)
),

currency as (
    select scenario_id, employee_id, min(simulation_year) as simulation_year,
        case
            when count(*) filter (where is_current) > 1 then 'more than one is_current row'
            when bool_or(is_current and simulation_year != latest_year) then 'is_current not latest'
            else 'no is_current row after the last year'
        end as problem
    from with_previous
    group by scenario_id, employee_id
    having count(*) filter (where is_current) > 1
        or bool_or(is_current and simulation_year != latest_year)
        or (count(*) filter (where is_current) = 0
            and max(simulation_year) = (select max(last_year) from run)
            and (select max(simulation_year) from state) = (select max(last_year) from run))
),

applied as (
    select s.scenario_id, s.employee_id, s.simulation_year, unnest(s.source_event_ids) as event_id
    from state as s
),

unknown_events as (
    select a.scenario_id, a.employee_id, a.simulation_year,
        'source_event_id ' || a.event_id || ' is not a rate event of the employee-year' as problem
    from applied as a
    left join {{ ref('fct_yearly_events') }} as e
        on e.event_id = a.event_id
        and e.scenario_id = a.scenario_id
        and e.employee_id = a.employee_id
        and e.simulation_year = a.simulation_year
        and e.event_type in ('enrollment', 'deferral_escalation')
    where e.event_id is null
),

snapshot_disagrees as (
    select s.scenario_id, s.employee_id, s.simulation_year,
        'rate differs from fct_workforce_snapshot' as problem
    from state as s
    left join {{ ref('fct_workforce_snapshot') }} as w
        on w.scenario_id = s.scenario_id
        and w.employee_id = s.employee_id
        and w.simulation_year = s.simulation_year
    where w.current_deferral_rate is distinct from s.current_deferral_rate
)

select * from rate_out_of_range
union all select * from version_breaks
union all select * from year_gaps
union all select * from currency
union all select * from unknown_events
union all select * from snapshot_disagrees
