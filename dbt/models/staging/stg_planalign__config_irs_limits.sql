{#- The published IRS limits, one row per year, in cents. -#}
{%- set limits = ['deferral_402g', 'catch_up', 'catch_up_60_63', 'compensation_401a17',
                  'annual_additions_415c', 'hce_threshold'] %}
select
    cast(year as integer) as limit_year
    {%- for name in limits %},
    cast({{ name }} as bigint) * 100 as {{ name }}
    {%- endfor %}
from {{ source('planalign', 'config_published') }}
