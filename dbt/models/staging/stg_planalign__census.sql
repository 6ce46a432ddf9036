select
    cast(employee_id as varchar) as employee_id,
    cast(birth_date as date) as birth_date,
    cast(hire_date as date) as hire_date,
    cast(termination_date as date) as termination_date,
    cast(job_level as smallint) as job_level,
    cast(compensation_cents as bigint) as compensation_cents,
    cast(deferral_units as integer) as deferral_units
from {{ source('planalign', 'census') }}
