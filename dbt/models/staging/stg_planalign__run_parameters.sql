select
    cast(scenario_id as varchar) as scenario_id,
    cast(plan_design_id as varchar) as plan_design_id,
    cast(seed as ubigint) as seed,
    cast(scenario_key as ubigint) as scenario_key,
    cast(start_year as integer) as start_year,
    cast(years as integer) as years
from {{ source('planalign', 'run_parameters') }}
