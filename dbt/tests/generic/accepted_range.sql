{#- Fails with every row whose column lies outside [min_value, max_value] (either bound may be
    omitted; bounds are SQL expressions, e.g. a scalar subquery on the configuration). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select *
    from {{ model }}
    where {{ column_name }} is not null and (
        false
        {%- if min_value is not none %} or {{ column_name }} < ({{ min_value }}){% endif %}
        {%- if max_value is not none %} or {{ column_name }} > ({{ max_value }}){% endif %}
    )
{% endtest %}
