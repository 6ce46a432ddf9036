{{ config(contract={'enforced': true}) }}
{#- The deferral-rate state (rules, "Deferral-rate state accumulator"): year N = the rows of
    N - 1 that stayed active ({{ this }}), or the baseline's active rows in the first year, plus
    the year's new hires, with the enrollment and deferral_escalation events of year N applied
    in event_sequence order. It reads the year's events (int_yearly_events), never
    fct_yearly_events and never the engines' state tables. -#}
{%- set year = planalign_loop_year(var('simulation_year', none)) -%}

with

run as (
    select * from {{ ref('int_run') }}
),

year_events as (
    select *
    from {{ ref('int_yearly_events') }}
    where simulation_year = {{ year }}
      and event_type in ('hire', 'termination', 'enrollment', 'deferral_escalation')
),

starting as (
    {{- planalign_entering_state(year,
        ['employee_id', 'current_deferral_rate', 'effective_date', 'source_type', 'state_version'],
        first_year={
            'current_deferral_rate': 'baseline.deferral_rate',
            'effective_date': 'baseline.census_date',
            'source_type': "'baseline'",
            'state_version': '0',
        }) }}

    union all

    select
        hire.employee_id,
        {{ rate(0) }} as current_deferral_rate,
        hire.effective_date,
        'new_hire' as source_type,
        0 as state_version
    from year_events as hire
    where hire.event_type = 'hire'
),

changes as (
    select
        employee_id,
        event_id,
        event_sequence,
        effective_date,
        case
            when event_type = 'enrollment' then pre_tax_rate + roth_rate
            else new_rate
        end as rate,
        case
            when event_type = 'deferral_escalation' then 'escalation'
            when enrollment_source = 'auto' then 'auto_enrollment'
            when enrollment_source = 'voluntary' then 'voluntary_enrollment'
            when enrollment_source = 'opt_out' then 'opt_out'
        end as source_type
    from year_events
    where event_type in ('enrollment', 'deferral_escalation')
),

applied as (
    select
        employee_id,
        list(event_id order by event_sequence) as event_ids,
        count(*) as changes,
        {{- last_by('event_sequence', rate='rate', effective_date='effective_date',
            source_type='source_type') }}
    from changes
    group by employee_id
),

terminated as (
    select distinct employee_id from year_events where event_type = 'termination'
)

select
    run.scenario_id,
    run.plan_design_id,
    s.employee_id,
    cast(coalesce(a.rate, s.current_deferral_rate) as decimal(5, 4)) as current_deferral_rate,
    coalesce(a.effective_date, s.effective_date) as effective_date,
    cast({{ year }} as integer) as simulation_year,
    coalesce(a.source_type, s.source_type) as source_type,
    t.employee_id is not null or run.last_year = {{ year }} as is_current,
    t.employee_id is null as is_active,
    coalesce(a.event_ids, cast([] as varchar[])) as source_event_ids,
    cast(s.state_version + coalesce(a.changes, 0) as integer) as state_version
from starting as s
left join applied as a on a.employee_id = s.employee_id
left join terminated as t on t.employee_id = s.employee_id
cross join run
