{#- F(d, p) of rules "Employer match": the sum over tiers t (alias `t`, with `lower_bound`, the
    previous tier's up_to) of rate_t * clamp(10000 * d - lower * p, 0, (up_to - lower) * p),
    for deferral d and pay p in cents; an aggregate (sum over the joined tiers). -#}
{% macro match_formula(deferral, pay, rate_scale) -%}
    sum(cast(t.rate as hugeint) * {{ clamp(rate_scale ~ ' * ' ~ deferral ~ ' - t.lower_bound * ' ~ pay, 0,
        '(t.up_to - t.lower_bound) * ' ~ pay) }})
{%- endmacro %}

{#- The catch-up class of an age at the end of a year (rules, "Contribution and compliance
    events"): '60-63', '50' or null; `cfg` is the configuration row's alias. -#}
{% macro catch_up_class(age, cfg='cfg') -%}
    case
        when {{ age }} between {{ cfg }}.catch_up_60_63_min_age and {{ cfg }}.catch_up_60_63_max_age
            then '60-63'
        when {{ age }} >= {{ cfg }}.catch_up_age then '50'
    end
{%- endmacro %}

{#- The employer money sources, in the order of the rules' tables (the employee sources are
    the others). -#}
{% macro planalign_employer_sources() -%}
    {{ return(['employer_match', 'true_up', 'non_elective']) }}
{%- endmacro %}

{#- Each employee of year Y as its balance snapshot rows start from it, a query (the body of a
    CTE of both balance snapshot marts, int_balance_snapshot_segments and
    int_balance_snapshot_closings): its dates, the last active day (when the year's employer
    money is credited), the deferral cap (402(g) plus catch-up) and its money in cents
    (int_participant_accounts, zeros where it has none). `employer_sources`:
    planalign_employer_sources(), passed in (a macro's return value does not reach another
    macro under sqlfluff's templater). -#}
{% macro planalign_snapshot_people(year, employer_sources) -%}
    with

    {{ planalign_year_ctes(year, workforce='int_workforce_year_state', money='int_money_year',
        accounts='int_participant_accounts') }}

    select
        w.employee_key,
        w.employee_id,
        w.hire_date,
        w.termination_date,
        w.is_active,
        m.last_active_date,
        m.limit_402g + m.catch_up_limit as deferral_cap,
        coalesce(a.employee_beginning, 0) as employee_beginning,
        coalesce(a.employee_return, 0) as employee_return,
        coalesce(a.held_cents, 0) as held_cents
        {%- for source in employer_sources %}
        {%- for amount in ['beginning', 'contribution', 'return', 'forfeiture'] %},
        coalesce(a.{{ source }}_{{ amount }}, 0) as {{ source }}_{{ amount }}
        {%- endfor %}
        {%- endfor %}
    from workforce as w
    inner join money as m on m.employee_key = w.employee_key
    left join accounts as a on a.employee_id = w.employee_id
{%- endmacro %}
