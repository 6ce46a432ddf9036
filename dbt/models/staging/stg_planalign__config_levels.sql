select
    cast(level as smallint) as job_level,
    cast(pay_min as bigint) * 100 as pay_min_cents,
    cast(pay_max as bigint) * 100 as pay_max_cents,
    cast(merit_rate as integer) as merit_rate,
    cast(promotion_rate as integer) as promotion_rate,
    cast(termination_adjustment as integer) as termination_adjustment,
    cast(hire_weight as integer) as hire_weight,
    cast(census_weight as integer) as census_weight
from {{ source('planalign', 'config_levels') }}
