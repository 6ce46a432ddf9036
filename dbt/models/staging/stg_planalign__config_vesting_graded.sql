select
    cast(years as integer) as years_of_service,
    cast(percent as bigint) as vested_units
from {{ source('planalign', 'config_graded') }}
