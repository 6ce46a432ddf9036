{#- Fails with each combination of the columns that occurs more than once (the dbt package hub
    is unreachable, so the project carries the few generic tests it needs). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select {{ columns }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
