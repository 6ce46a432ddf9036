select
    cast(event_type as varchar) as event_type,
    cast(type_code as integer) as type_code
from {{ source('planalign', 'event_types') }}
