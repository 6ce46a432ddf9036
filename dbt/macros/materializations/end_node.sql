{#- The end of the project's materializations (year_append, replace_view, replace_table), after their
    statement: grants (none are configured), post-hooks, the commit; the relations built. -#}
{% macro planalign_end_node(target) %}
    {% do apply_grants(target, config.get('grants'), should_revoke=false) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmacro %}

{#- The body of replace_view and replace_table: a relation of the name that is of the other
    kind is dropped, an enforced contract is checked against the query's columns (dbt's own
    check, one statement on its empty result), then one `create or replace` inside the node's
    transaction. -#}
{% macro planalign_replace_relation(kind, sql) %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target = this.incorporate(type=kind) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- if existing is not none and not (existing.is_view if kind == 'view' else existing.is_table) -%}
        {% do adapter.drop_relation(existing) %}
    {%- endif -%}
    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif -%}
    {%- call statement('main') -%}
        create or replace {{ kind }} {{ target }} as ({{ sql }})
    {%- endcall -%}
    {{ return(planalign_end_node(target)) }}
{% endmacro %}
