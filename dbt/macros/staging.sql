{#- A staging model: the source table `table` of the inputs, its columns renamed and typed. Each
    keyword is a column of the model: 'type' reads the source column of that name, 'type name'
    the source column `name`; the type 'dollars' reads whole dollars into bigint cents. -#}
{% macro planalign_stage(table) -%}
select
    {%- for column, spec in kwargs.items() %}
    {%- set type, name = (spec ~ ' ' ~ column).split(' ')[:2] %}
    {% if type == 'dollars' -%}
        cast({{ name }} as bigint) * 100
    {%- else -%}
        cast({{ name }} as {{ type }})
    {%- endif %} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ source('planalign', table) }}
{%- endmacro %}
