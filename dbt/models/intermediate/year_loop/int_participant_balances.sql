{#- int_participant_balances (rules, "Balances"): per employee of Y and source, the beginning
    balance (its own ending balance of Y - 1; 0 for a new hire and in the first year), the
    year's contribution, the return credited on December 31 to employees active then, the
    forfeiture of a leaver's unvested employer money, the ending and the vested balance. -#}
{{ config(contract={'enforced': true}) }}
{%- set year = planalign_loop_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}
{%- set rs = rng.rate_scale -%}

with

run as (
    select * from {{ ref('int_run') }}
),

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

vesting as (
    select * from {{ ref('int_vesting_percentages') }}
),

{{ planalign_year_ctes(year, workforce='int_workforce_year_state', money='int_money_year') }},

-- every source, in the order of the rules' tables (employee sources are always vested)
sources as (
    select * from (values
        ('employee_pre_tax', false, 1),
        ('employee_roth', false, 2),
        ('catch_up', false, 3),
        ('employer_match', true, 4),
        ('true_up', true, 5),
        ('non_elective', true, 6)
    ) as s(source, is_employer, source_order)
),

{# No previous year in the run's first year: nothing to join (a left join on an empty
    relation also met a DuckDB 2.0.0 fault with a shrinking workforce, "dict-surviving cache":
    docs/troubleshooting.md). #}
{% if is_incremental() -%}
previous as (
    select
        previous.employee_id,
        previous.source,
        cast(previous.ending_balance * 100 as bigint) as beginning_cents
    from {{ this }} as previous
    where previous.simulation_year = {{ year - 1 }}
),

{% endif -%}
people as (
    select
        w.employee_key,
        w.employee_id,
        w.is_active,
        at_end.vested_units as vested_at_end,
        at_exit.vested_units as vested_at_exit
    from workforce as w
    inner join vesting as at_end
        on at_end.years_of_service = greatest(0, {{ age('w.hire_date', year_end(year)) }})
    inner join vesting as at_exit
        on at_exit.years_of_service = greatest(0, {{ age('w.hire_date',
            'coalesce(w.termination_date, ' ~ year_end(year) ~ ' + 1) - 1') }})
),

accounts as (
    select
        p.*,
        s.source,
        s.is_employer,
        s.source_order,
        {{ 'coalesce(prev.beginning_cents, 0)' if is_incremental() else 'cast(0 as bigint)' }}
            as beginning_cents,
        case s.source
            when 'employee_pre_tax' then m.pre_tax_cents
            when 'employee_roth' then 0
            when 'catch_up' then m.catch_up_cents
            when 'employer_match' then m.match_cents
            when 'true_up' then m.true_up_cents
            when 'non_elective' then m.non_elective_cents
        end as contribution_cents
    from people as p
    cross join sources as s
    inner join money as m on m.employee_key = p.employee_key
    {%- if is_incremental() %}
    left join previous as prev on prev.employee_id = p.employee_id and prev.source = s.source
    {%- endif %}
),

flows as (
    select
        a.*,
        case
            when a.is_active then
                {{ scale('a.beginning_cents', 'cfg.investment_return_rate', rng) }} - a.beginning_cents
                + {{ rhu('a.contribution_cents * (' ~ 2 * rs ~ ' + cfg.investment_return_rate)', 2 * rs) }}
                - a.contribution_cents
            else 0
        end as return_cents,
        case
            when not a.is_active and a.is_employer then
                (a.beginning_cents + a.contribution_cents)
                - {{ rhu('(a.beginning_cents + a.contribution_cents) * a.vested_at_exit', rs) }}
            else 0
        end as forfeiture_cents
    from accounts as a
    cross join cfg
),

ending as (
    select
        f.*,
        f.beginning_cents + f.contribution_cents + f.return_cents - f.forfeiture_cents
            as ending_cents
    from flows as f
)

select
    run.scenario_id,
    run.plan_design_id,
    e.employee_id,
    cast({{ year }} as integer) as simulation_year,
    e.source,
    {{ money('e.beginning_cents') }} as beginning_balance,
    {{ money('e.contribution_cents') }} as contributions,
    {{ money('e.return_cents') }} as investment_return,
    {{ money('e.forfeiture_cents') }} as forfeitures,
    {{ money(bounded_balance('e.ending_cents', 'e.employee_id', 'e.source', year, rng)) }}
        as ending_balance,
    {{ money(
        'case when not e.is_employer or not e.is_active then e.ending_cents else '
        ~ rhu('e.ending_cents * e.vested_at_end', rs) ~ ' end') }} as vested_balance,
    {{ rate(
        'case when not e.is_employer then ' ~ rs
        ~ ' when e.is_active then e.vested_at_end else e.vested_at_exit end') }}
        as vested_percentage
from ending as e
cross join run
where e.beginning_cents != 0 or e.contribution_cents != 0 or e.ending_cents != 0
