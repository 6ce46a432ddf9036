{#- The end of the project's materializations (year_append, replace_view), after their
    statement: grants (none are configured), post-hooks, the commit; the relations built. -#}
{% macro planalign_end_node(target) %}
    {% do apply_grants(target, config.get('grants'), should_revoke=false) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmacro %}
