{#- One row per employee of the workforce of each year, with its values at December 31 or on
    its termination date (rules, "Workforce snapshot"). A view over the two state tables, built
    once (dbt_project.yml): a year's rows are this view filtered on simulation_year. -#}
with

dated as (
    select
        w.*,
        coalesce(w.termination_date, {{ year_end('w.simulation_year') }}) as as_of
    from {{ ref('int_workforce_year_state') }} as w
)

select
    run.scenario_id,
    run.plan_design_id,
    w.employee_id,
    w.employee_key,
    w.simulation_year,
    case when w.is_active then 'active' else 'terminated' end as employment_status,
    case
        when w.is_new_hire and w.is_active then 'new_hire_active'
        when w.is_new_hire then 'new_hire_termination'
        when w.is_active then 'continuous_active'
        else 'experienced_termination'
    end as detailed_status,
    w.birth_date,
    w.hire_date,
    w.termination_date,
    w.termination_reason,
    w.job_level,
    {{ money('w.compensation_cents') }} as annual_compensation,
    cast({{ age('w.birth_date', 'w.as_of') }} as smallint) as age,
    cast({{ age('w.hire_date', 'w.as_of') }} as smallint) as tenure,
    w.plan_entry_date,
    p.is_eligible,
    p.is_enrolled,
    {{ rate('p.deferral_units') }} as current_deferral_rate
from dated as w
inner join {{ ref('int_participation_year_state') }} as p
    on p.simulation_year = w.simulation_year and p.employee_key = w.employee_key
cross join {{ ref('int_run') }} as run
