{{ config(contract={'enforced': true}) }}
{#- int_employee_contributions (rules, "Money tables"): int_money_year in the output layout. A
    view over that table, built once, not in the year loop (dbt_project.yml, "Views over the
    year-loop tables"): a year's rows are the view filtered on simulation_year. -#}

select
    run.scenario_id,
    run.plan_design_id,
    m.employee_id,
    m.simulation_year,
    m.employed_from as employment_start_date,
    m.last_active_date,
    m.days_employed,
    m.segments,
    {{ money('m.earned_cents') }} as earned_compensation,
    {{ money('m.plan_pay_uncapped_cents') }} as plan_compensation_uncapped,
    {{ money('m.plan_pay_cents') }} as plan_compensation,
    {{ money('m.deferrals_uncapped_cents') }} as deferrals_uncapped,
    {{ money('m.pre_tax_cents') }} as employee_pre_tax,
    {{ money(0) }} as employee_roth,
    {{ money('m.catch_up_cents') }} as catch_up,
    {{ money('m.total_deferrals_cents') }} as total_deferrals,
    {{ money('m.match_cents') }} as employer_match,
    {{ money('m.true_up_cents') }} as true_up,
    {{ money('m.non_elective_cents') }} as non_elective,
    {{ money('m.additions_cents') }} as annual_additions,
    {{ money('m.excess_415c_cents') }} as excess_415c,
    {{ money('m.limit_402g') }} as deferral_limit_402g,
    {{ money('m.catch_up_limit') }} as catch_up_limit,
    {{ money('m.limit_401a17') }} as compensation_limit_401a17,
    {{ money('m.limit_415c') }} as annual_additions_limit_415c,
    m.catch_up_limit > 0 as is_catch_up_eligible,
    m.reached_401a17_date,
    m.reached_402g_date,
    {{ money('m.lookback_cents') }} as lookback_compensation,
    {{ money('m.hce_threshold') }} as hce_threshold,
    m.is_hce,
    m.irs_limits_estimated
from {{ ref('int_money_year') }} as m
cross join {{ ref('int_run') }} as run
