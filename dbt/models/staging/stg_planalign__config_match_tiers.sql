select
    cast(entry as integer) as tier,
    cast(up_to as bigint) as up_to,
    cast(rate as bigint) as rate
from {{ source('planalign', 'config_tiers') }}
