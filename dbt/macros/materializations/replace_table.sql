{#- The project's one-off tables (the run's constants, the IRS limits, the vesting percentages):
    one `create or replace table`. dbt's table materialization builds a table under a temporary
    name, renames the old one away, renames the new one in and drops the old: four to six
    statements a table, each with dbt's bookkeeping, 75-130 ms a table in the first year's
    build (docs/benchmarks.md). DuckDB replaces a table in one statement, inside the node's
    transaction. A relation of the same name that is not a table (a view an older project
    built) is dropped first, in the same transaction. A model whose contract is enforced has
    its query's columns checked against the contract first (dbt's own check, as replace_view);
    the table then has the contract's names and types. Constraints are not made here: a
    contract that declares any is refused (dbt's table materialization makes them). -#}

{% materialization replace_table, adapter="duckdb" -%}
    {%- if config.get('contract').enforced -%}
        {%- set constrained = model.constraints | list -%}
        {%- for column in model.columns.values() if column.constraints -%}
            {%- do constrained.append(column.name) -%}
        {%- endfor -%}
        {%- if constrained -%}
            {{ exceptions.raise_compiler_error(this.identifier ~ ": replace_table makes no "
                ~ "constraints (" ~ constrained | join(', ') ~ "); use materialized='table'") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(planalign_replace_relation('table', compiled_code)) }}
{%- endmaterialization %}
