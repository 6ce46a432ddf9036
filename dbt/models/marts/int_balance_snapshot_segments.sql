{#- The Fridays of fct_participant_balance_snapshots in compact form (rules, "Money tables"):
    one row per pay segment of the year holding a Friday t with segment_start <= t <
    least(segment_end, December 31) (the year-end row replaces December 31), with what a
    Friday's row needs as integers. The view of planalign_core/store/snapshots.py expands the
    k-th Friday: deferrals rhu(N, 10000 D) capped, N = deferral_units_start + rate *
    (least(plan_pay_first + plan_pay_step * k, plan_pay_cap) - capped_pay_start); employer money
    credited from the last active day, vesting from the service anniversary. -#}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{%- set rs = planalign_rng().rate_scale %}

with

vesting as (
    select * from {{ ref('int_vesting_percentages') }}
),

{{ planalign_year_ctes(year, segments='int_money_segments') }},

snapshot_people as (
    {{ planalign_snapshot_people(year, planalign_employer_sources()) }}
),

-- per employee: the vested shares before and on/after the year's service anniversary
people as (
    select
        p.employee_key,
        p.employee_id,
        p.last_active_date as credited_from,
        {{ anniversary('p.hire_date', year ~ ' - year(p.hire_date)') }} as vesting_from,
        before.vested_units as vest_before_units,
        after.vested_units as vest_after_units,
        p.employee_beginning as employee_start
        {%- for source in planalign_employer_sources() %},
        p.{{ source }}_beginning as {{ source }}_before,
        p.{{ source }}_beginning + p.{{ source }}_contribution as {{ source }}_after
        {%- endfor %},
        p.deferral_cap
    from snapshot_people as p
    inner join vesting as before
        on before.years_of_service = greatest(0, {{ year }} - year(p.hire_date) - 1)
    inner join vesting as after
        on after.years_of_service = greatest(0, {{ year }} - year(p.hire_date))
),

fridays as (
    select
        s.*,
        s.segment_start + cast((5 - isodow(s.segment_start) + 7) % 7 as integer) as first_friday,
        case when s.in_plan then s.pay_cents else 0 end as plan_pay
    from segments as s
),

counted as (
    select
        f.*,
        greatest(0, (least(f.segment_end, {{ year_end(year) }}) - f.first_friday + 6) // 7)
            as fridays
    from fridays as f
)

select
    run.scenario_id,
    run.plan_design_id,
    p.employee_id,
    cast({{ year }} as integer) as simulation_year,
    c.first_friday,
    cast(c.fridays as integer) as fridays,
    cast(c.rate_units as integer) as deferral_rate_units,
    cast(c.up_before + c.plan_pay * (c.first_friday - c.segment_start + 1) as bigint)
        as plan_pay_first,
    cast(7 * c.plan_pay as bigint) as plan_pay_step,
    cast(c.uc_cap as bigint) as plan_pay_cap,
    cast(c.uc_before as bigint) as capped_pay_start,
    cast(c.n_before as bigint) as deferral_units_start,
    cast({{ rs }} * c.year_days as bigint) as deferral_divisor,
    cast(p.deferral_cap as bigint) as deferral_cap,
    p.credited_from,
    p.vesting_from,
    cast(p.vest_before_units as integer) as vest_before_units,
    cast(p.vest_after_units as integer) as vest_after_units,
    cast(p.employee_start as bigint) as employee_start,
    {%- for state in ['before', 'after'] %}
    cast(
        {%- for source in planalign_employer_sources() %}
        p.{{ source }}_{{ state }} {{ "+" if not loop.last }}
        {%- endfor %} as bigint) as employer_{{ state }},
    {%- endfor %}
    cast(
        {%- for source in planalign_employer_sources() %}
        p.{{ source }}_after - p.{{ source }}_before {{ "+" if not loop.last }}
        {%- endfor %} as bigint) as employer_flows
    {#- vested_employer_<credited><after anniversary>: the four cases of a Friday -#}
    {%- for credited in ['before', 'after'] %}
    {%- for vest in ['before', 'after'] %},
    cast(
        {%- for source in planalign_employer_sources() %}
        {{ rhu('p.' ~ source ~ '_' ~ credited ~ ' * p.vest_' ~ vest ~ '_units', rs) }} {{ "+" if not loop.last }}
        {%- endfor %} as bigint)
        as vested_employer_{{ (credited == 'after') | int }}{{ (vest == 'after') | int }}
    {%- endfor %}
    {%- endfor %}
from counted as c
inner join people as p on p.employee_key = c.employee_key
cross join {{ ref('int_run') }} as run
where c.fridays > 0
