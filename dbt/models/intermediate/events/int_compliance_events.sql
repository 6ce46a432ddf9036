{#- Compliance events: catch-up (on s, the year the catch-up class changes to 50 or 60-63 or
    from 60-63 back to 50), 401(a)(17) and 402(g) (on the first day the limit is reached),
    415(c) (additions at or above the limit, on l). -#}

with

money as (
    select
        m.*,
        {{ catch_up_class('m.age_at_year_end') }} as catch_up_class,
        {{ catch_up_class('m.age_at_year_end - 1') }} as previous_catch_up_class
    from {{ ref('int_money_year') }} as m
    cross join {{ ref('stg_planalign__config') }} as cfg
    where m.days_employed > 0
),

checks as (
    select
        simulation_year, employee_key, employee_id, employed_from as effective_date, 1 as sub_order,
        'catch_up' as limit_type, catch_up_limit as limit_cents, catch_up_cents as amount_cents
    from money
    where catch_up_class is not null
      and catch_up_class is distinct from previous_catch_up_class

    union all

    select
        simulation_year, employee_key, employee_id, reached_401a17_date, 2,
        '401a17_compensation', limit_401a17, plan_pay_cents
    from money
    where plan_pay_uncapped_cents >= limit_401a17

    union all

    select
        simulation_year, employee_key, employee_id, reached_402g_date, 3,
        '402g_deferral', limit_402g, pre_tax_cents
    from money
    where deferrals_uncapped_cents >= limit_402g

    union all

    select
        simulation_year, employee_key, employee_id, last_active_date, 4,
        '415c_annual_additions', limit_415c, additions_cents
    from money
    where additions_before_415c > 0 and additions_before_415c >= limit_415c
)

select
    {{ event_columns('compliance', 'c.effective_date', row='c', sub_order='c.sub_order') }},
    c.limit_type,
    {{ money('c.limit_cents') }} as applicable_limit,
    {{ money('c.amount_cents') }} as current_amount
from checks as c
{{ join_year_workforce('c') }}
