select
    cast(entry as integer) as entry,
    cast(rate as integer) as rate,
    cast(weight as integer) as weight
from {{ source('planalign', 'config_deferral_rates') }}
