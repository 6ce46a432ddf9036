{{ config(materialized='replace_table', contract={'enforced': true}) }}
{#- One row per census row (rules, "Baseline workforce"). employee_key is the 1-based rank of
    employee_id in byte order (rules, "Identifiers"). -#}

with

run as (
    select * from {{ ref('int_run') }}
),

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

census as (
    select
        *,
        row_number() over (order by encode(employee_id)) as employee_key
    from {{ ref('stg_planalign__census') }}
),

entered as (
    select
        census.*,
        {{ plan_entry_date('census.birth_date', 'census.hire_date') }} as plan_entry_date
    from census
    cross join cfg
)

select
    run.scenario_id,
    run.plan_design_id,
    entered.employee_id,
    cast(entered.employee_key as bigint) as employee_key,
    entered.birth_date,
    entered.hire_date,
    entered.termination_date,
    entered.job_level,
    {{ money('entered.compensation_cents') }} as annual_compensation,
    {{ rate('entered.deferral_units') }} as deferral_rate,
    entered.termination_date is null as is_active,
    entered.plan_entry_date,
    entered.plan_entry_date <= run.census_date or entered.deferral_units > 0 as is_eligible,
    entered.deferral_units > 0 as is_enrolled,
    run.census_date
from entered
cross join run
