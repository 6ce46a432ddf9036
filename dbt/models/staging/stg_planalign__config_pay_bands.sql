select
    cast(min_pay as bigint) * 100 as min_pay_cents,
    cast(adjustment as integer) as adjustment
from {{ source('planalign', 'config_pay_bands') }}
