{#- The project's views (staging, the per-type event views): one `create or replace view`.

    dbt's view materialization builds a view under a temporary name, renames the old one
    away, renames the new one in and drops the old: three to five statements a view, each with
    dbt's bookkeeping, about 32 ms a view in the first year's build (24 views, 0.77 s of its
    nodes' time; docs/benchmarks.md). DuckDB replaces a view in one statement, inside the
    node's transaction, so the swap buys nothing here. A relation of the same name that is not
    a view (a table an older project built) is dropped first, in the same transaction. A view
    whose contract is enforced has its query's columns checked against the contract first
    (dbt's own check, one statement on the query's empty result), as dbt's view
    materialization does: the three marts that are views took 70 ms each through it. -#}

{% materialization replace_view, adapter="duckdb" -%}
    {{ return(planalign_replace_relation('view', compiled_code)) }}
{%- endmaterialization %}
