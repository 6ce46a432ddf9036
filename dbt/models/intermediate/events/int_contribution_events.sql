{#- Contribution events (rules, "Contribution and compliance events"): one per source with a
    positive annual amount, on the last active day; limit_applied names the limit that cut it. -#}
with

money as (
    select * from {{ ref('int_money_year') }}
),

sources as (
    select
        m.*,
        s.source,
        s.sub_order,
        case s.source
            when 'employee_pre_tax' then m.pre_tax_cents
            when 'catch_up' then m.catch_up_cents
            when 'employer_match' then m.match_cents
            when 'true_up' then m.true_up_cents
            when 'non_elective' then m.non_elective_cents
        end as amount_cents,
        case s.source
            when 'employee_pre_tax' then m.deferrals_uncapped_cents > m.limit_402g
            when 'catch_up' then m.deferrals_uncapped_cents > m.limit_402g + m.catch_up_limit
            when 'employer_match' then m.match_cut > 0
            when 'true_up' then m.true_up_cut > 0
            when 'non_elective' then m.non_elective_cut > 0
        end as own_limit_applied,
        case s.source
            when 'employee_pre_tax' then '402g_deferral'
            when 'catch_up' then 'catch_up'
            else '415c_annual_additions'
        end as own_limit
    from money as m
    cross join (values
        ('employee_pre_tax', 1),
        ('catch_up', 3),
        ('employer_match', 4),
        ('true_up', 5),
        ('non_elective', 6)
    ) as s(source, sub_order)
)

select
    {{ event_columns('contribution', 's.last_active_date', row='s', sub_order='s.sub_order') }},
    s.source as contribution_source,
    {{ money('s.amount_cents') }} as amount,
    {{ money('s.amount_cents') }} as ytd_amount,
    case
        when s.own_limit_applied then s.own_limit
        when s.plan_pay_uncapped_cents > s.limit_401a17 then '401a17_compensation'
    end as limit_applied
from sources as s
{{ join_year_workforce('s') }}
where s.amount_cents > 0
