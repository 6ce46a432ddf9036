{#- Every event of the run, in the columnar layout of planalign_core/events/columnar.py: the
    contract (fct_yearly_events.yml) lists every column and type; a payload column an event
    type does not have is a typed null. Types 1-7 from int_yearly_events, money from
    int_money_events. A view over those two tables (dbt_project.yml): each year appends to them,
    and a year's events are this view filtered on simulation_year. -#}
{%- set parts = [ref('int_yearly_events'), ref('int_money_events')] %}

{%- for events in parts %}
{%- set available = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(events) -%}
        {%- do available.append(column.name) -%}
    {%- endfor -%}
{%- endif %}
select
{%- for column in model.columns.values() %}
    cast({{ column.name if column.name in available else 'null' }} as {{ column.data_type }})
        as {{ column.name }}{{ "," if not loop.last }}
{%- endfor %}
from {{ events }}
{%- if not loop.last %}

union all
{% endif %}
{%- endfor %}
