{#- Aggregates: each keyword's expression taken on the row of its group last by `order_by`
    (its largest value), named after the keyword. -#}
{% macro last_by(order_by) -%}
    {%- for column, expression in kwargs.items() %}
    max_by({{ expression }}, {{ order_by }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
