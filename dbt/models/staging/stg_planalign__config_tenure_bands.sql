select
    cast(min_tenure as integer) as min_tenure,
    cast(rate as integer) as rate
from {{ source('planalign', 'config_tenure_bands') }}
