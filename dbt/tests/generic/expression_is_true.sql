{#- Fails with every row where the boolean SQL expression is false or null. -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression | replace('{column}', column_name or '') }}), false)
{% endtest %}
