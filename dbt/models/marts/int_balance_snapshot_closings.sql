{#- The closing rows of fct_participant_balance_snapshots (stored as they are; the Fridays are
    int_balance_snapshot_segments, expanded by the view planalign_core/store/snapshots.py):
    each participant's balances on December 31 (an employee active then) and on its
    termination date (rules, "Money tables"). A year-end row exists when the total balance or
    the deferral rate is positive; a termination row when the leaver held money in the year (its
    beginning balances plus the year's contributions), even if all of it is forfeited. Deferrals accrue daily (DT(t) from the segments),
    employer money is credited on the last active day, forfeited on the termination date, and
    the return is credited on December 31. -#}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{%- set rs = planalign_rng().rate_scale %}

with

vesting as (
    select * from {{ ref('int_vesting_percentages') }}
),

people as (
    {{ planalign_snapshot_people(year, planalign_employer_sources()) }}
),

{{ planalign_year_ctes(year, participation='int_participation_year_state',
    segments='int_money_segments') }},

dates as (
    select employee_key, {{ year_end(year) }} as snapshot_date, 'year_end' as snapshot_type
    from people
    where is_active

    union all

    select employee_key, termination_date, 'termination'
    from people
    where not is_active
),

-- the day whose accrual a row shows: the row's date, or the last active day on a termination row
evaluated as (
    select
        d.*,
        p.employee_id,
        p.hire_date,
        p.termination_date,
        p.last_active_date,
        p.deferral_cap,
        pa.start_deferral_units,
        case when d.snapshot_type = 'termination' then p.last_active_date else d.snapshot_date end
            as accrual_date,
        case when d.snapshot_type = 'termination' then d.snapshot_date - 1 else d.snapshot_date end
            as vesting_date
    from dates as d
    inner join people as p on p.employee_key = d.employee_key
    inner join participation as pa on pa.employee_key = d.employee_key
),

accrued as (
    select
        e.*,
        coalesce(s.rate_units, e.start_deferral_units) as rate_units,
        case
            when s.segment is null then 0
            else least(
                {{ rhu('s.n_before + s.rate_units * (least(s.up_before + case when s.in_plan then s.pay_cents * (e.accrual_date - s.segment_start + 1) else 0 end, s.uc_cap) - s.uc_before)',
                       rs ~ ' * s.year_days') }},
                e.deferral_cap)
        end as deferrals_cents
    from evaluated as e
    asof left join segments as s
        on s.employee_key = e.employee_key and e.accrual_date >= s.segment_start
),

valued as (
    select
        a.*,
        v.vested_units,
        coalesce(a.snapshot_date >= a.last_active_date, false) as contributed,
        a.snapshot_type = 'termination' as closed,
        a.snapshot_date = {{ year_end(year) }} as credited,
        acc.held_cents,
        acc.employee_beginning + a.deferrals_cents
            + case when a.snapshot_date = {{ year_end(year) }} then acc.employee_return else 0 end
            as employee_cents
        {%- for source in planalign_employer_sources() %},
        acc.{{ source }}_beginning
            + case when coalesce(a.snapshot_date >= a.last_active_date, false)
                then acc.{{ source }}_contribution else 0 end
            - case when a.snapshot_type = 'termination' then acc.{{ source }}_forfeiture else 0 end
            + case when a.snapshot_date = {{ year_end(year) }} then acc.{{ source }}_return else 0 end
            as {{ source }}_cents
        {%- endfor %},
        {%- for source in planalign_employer_sources() %}
        case when coalesce(a.snapshot_date >= a.last_active_date, false)
            then acc.{{ source }}_contribution else 0 end {{ "+" if not loop.last }}
        {%- endfor %} as employer_contributions_cents
    from accrued as a
    inner join people as acc on acc.employee_id = a.employee_id
    inner join vesting as v
        on v.years_of_service = greatest(0, {{ age('a.hire_date', 'a.vesting_date') }})
),

totals as (
    select
        v.*,
        {{ planalign_employer_sources() | join('_cents + ') }}_cents as employer_cents,
        v.employee_cents
            {%- for source in planalign_employer_sources() %}
            + case
                when v.closed then v.{{ source }}_cents
                else {{ rhu('v.' ~ source ~ '_cents * v.vested_units', rs) }}
            end
            {%- endfor %} as vested_cents
    from valued as v
)

select
    run.scenario_id,
    run.plan_design_id,
    t.employee_id,
    cast({{ year }} as integer) as simulation_year,
    t.snapshot_date,
    t.snapshot_type,
    case when t.closed then 'terminated' else 'active' end as employment_status,
    {{ rate('t.rate_units') }} as current_deferral_rate,
    {{ money('t.deferrals_cents') }} as ytd_deferrals,
    {{ money('t.employer_contributions_cents') }} as ytd_employer_contributions,
    {{ money('t.employee_cents') }} as employee_balance,
    {{ money('t.employer_cents') }} as employer_balance,
    {{ money('t.employee_cents + t.employer_cents') }} as total_balance,
    {{ money('t.vested_cents') }} as vested_balance,
    {{ rate('t.vested_units') }} as vested_percentage
from totals as t
cross join {{ ref('int_run') }} as run
where case
    when t.closed then t.held_cents > 0
    else t.employee_cents + t.employer_cents > 0 or t.rate_units > 0
end
