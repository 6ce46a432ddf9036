{#- The year loop's materialization: one simulation year appended to a table per build.

    dbt's incremental materialization (strategy append) builds the year into a temporary
    table, queries both tables' columns, then copies the rows over: about ten statements a
    model and a year, each with dbt's own bookkeeping, which was most of the SQL engine's time
    (docs/benchmarks.md). `year_append` does the same work in one statement: year Y and the
    later years deleted (planalign_clear_from_year, once a pre-hook), the year's rows into a
    temporary table, their columns checked against the table's (on_schema_change: fail,
    the only mode it has: a changed model fails the build, naming the columns, and nothing is
    appended), then inserted by name. (Inserting the model's query straight into the table,
    with a DESCRIBE of it for the check, was slower: DuckDB binds it twice and plans the insert
    worse.) A new table, a full refresh or a relation that is not a table take
    dbt's incremental materialization unchanged (contracts enforced there). -#}

{% materialization year_append, adapter="duckdb" -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- if existing is none or not existing.is_table or should_full_refresh() -%}
        {{ return(materialization_incremental_duckdb()) }}
    {%- endif -%}
    {%- if config.get('on_schema_change', 'fail') != 'fail' -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ ": year_append supports on_schema_change: fail only, not "
            ~ config.get('on_schema_change')) }}
    {%- endif -%}
    {%- set target = this.incorporate(type='table') -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- set year_rows = adapter.quote(this.identifier ~ '__year') -%}
    {%- call statement('main') -%}
        {{ planalign_clear_from_year() }};
        create or replace temporary table {{ year_rows }} as ({{ compiled_code }});
        {{ planalign_columns_unchanged(target, year_rows) }};
        insert into {{ target }} by name select * from {{ year_rows }};
        drop table {{ year_rows }}
    {%- endcall -%}
    {{ return(planalign_end_node(target)) }}
{%- endmaterialization %}

{#- A query that fails (DuckDB's error()) when the columns (names and types) of the year's rows
    differ from the table's, listing each difference, and returns no row otherwise. -#}
{% macro planalign_columns_unchanged(target, year_rows) -%}
    select error(
        '{{ target.identifier }}: the model''s columns differ from the table''s '
        || '(on_schema_change: fail): '
        || string_agg(
            coalesce(model.column_name, stored.column_name) || ' model '
            || coalesce(model.column_type, 'absent') || ', table '
            || coalesce(stored.column_type, 'absent'), '; '
            order by coalesce(model.column_name, stored.column_name)
        )
    )
    from (describe {{ year_rows }}) as model
    full join (describe {{ target }}) as stored
        on model.column_name = stored.column_name
    where model.column_type is distinct from stored.column_type
    having count(*) > 0
{%- endmacro %}

{#- dbt's is_incremental(), also true for year_append: the models read their own previous
    year ({{ this }}) when the table exists. -#}
{% macro is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.table) -%}
    {{ return(relation is not none and relation.type == 'table'
              and model.config.materialized in ('incremental', 'year_append')
              and not should_full_refresh()) }}
{% endmacro %}
