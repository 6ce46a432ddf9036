select
    cast(min_age as integer) as min_age,
    cast(rate as integer) as rate
from {{ source('planalign', 'config_age_bands') }}
