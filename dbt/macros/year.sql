{#- The year loop: one build simulates one year. `--vars {simulation_year: Y}` names it;
    without the var, the build's on-run-start hook (planalign_choose_year) picks the next year
    not yet built and keeps it in planalign_inputs.build_year, so a sequence of plain
    `dbt run` calls builds year after year with unchanged vars (dbt's partial parse holds).
    Models call var('simulation_year', none) themselves, so a unit test's `overrides: vars:`
    reaches them. -#}

{% macro planalign_first_year() %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set table = run_query(
        'select start_year from ' ~ planalign_input_relation('run_parameters')) -%}
    {%- if table.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "planalign_inputs.run_parameters must hold exactly one row: write the inputs first "
            ~ "(planalign dbt-inputs, see README)") }}
    {%- endif -%}
    {{ return(table.rows[0][0] | int) }}
{% endmacro %}

{% macro planalign_year(year=none) %}
    {%- set chosen = year if year is not none else var('simulation_year', none) -%}
    {%- if chosen is none -%}
        {{ return(planalign_build_year()) }}
    {%- endif -%}
    {{ return(chosen | int) }}
{% endmacro %}

{#- The year the hook chose for this build (planalign_inputs.build_year); before any build
    wrote it (dbt compile on fresh inputs), the run's first year. -#}
{% macro planalign_build_year() %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set found = run_query(
        "select count(*) from duckdb_tables() where schema_name = '"
        ~ var('planalign_input_schema') ~ "' and table_name = 'build_year'") -%}
    {%- if found.rows[0][0] == 0 -%}
        {{ return(planalign_first_year()) }}
    {%- endif -%}
    {%- set table = run_query(
        'select simulation_year from ' ~ planalign_input_relation('build_year')) -%}
    {{ return(table.rows[0][0] | int) }}
{% endmacro %}

{#- on-run-start of `dbt run` and `dbt build` that select a year-loop model: record the year
    this build simulates (the var, or the next year not built) for every model to read. Other
    commands (`dbt test`, `dbt compile`) read the year last recorded. -#}
{% macro planalign_choose_year() %}
    {%- if not execute or flags.WHICH not in ('run', 'build') or var('planalign_scratch', false) -%}
        {#- `planalign simulate` names every year in --vars and never builds by hand -#}
        {{ return('') }}
    {%- endif -%}
    {%- set loop_models = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and 'year_loop' in node.tags
              and node.unique_id in selected_resources -%}
            {%- do loop_models.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not loop_models -%}
        {{ return('') }}
    {%- endif -%}
    {%- set year = var('simulation_year', none) -%}
    {%- if year is none -%}
        {%- set year = planalign_next_year(loop_models) -%}
    {%- endif -%}
    create or replace table {{ planalign_input_relation('build_year') }} as
    select cast({{ year | int }} as integer) as simulation_year
{% endmacro %}

{#- The first year some selected year-loop table lacks: every table holds the years before it
    (a build that failed half-way is built again); the first year for a table not yet built,
    or under --full-refresh. A run whose years are all built refuses a further plain build. -#}
{% macro planalign_next_year(loop_models) %}
    {%- set first = planalign_first_year() -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return(first) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for node in loop_models -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is none -%}
            {{ return(first) }}
        {%- endif -%}
        {%- do parts.append('select max(simulation_year) as built from ' ~ relation) -%}
    {%- endfor -%}
    {%- set built = run_query(
        'select case when count(built) = count(*) then min(built) end from ('
        ~ parts | join(' union all ') ~ ')').rows[0][0] -%}
    {%- if built is none -%}
        {{ return(first) }}
    {%- endif -%}
    {%- set last = run_query(
        'select start_year + years - 1 from ' ~ planalign_input_relation('run_parameters')
        ).rows[0][0] | int -%}
    {%- if built | int >= last -%}
        {{ exceptions.raise_compiler_error(
            "every year of the run (" ~ first ~ "-" ~ last ~ ") is built; rebuild a year with "
            ~ "--vars '{simulation_year: Y}', or write new inputs (planalign dbt-inputs)") }}
    {%- endif -%}
    {{ return(built | int + 1) }}
{% endmacro %}

{#- The first step of year_append's statement (macros/materializations/year_append.sql): building year Y
    replaces year Y and drops every later year (they were computed from the old Y), so
    re-running a year never leaves stale rows. -#}
{% macro planalign_clear_from_year() %}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
        {%- if existing is not none and not should_full_refresh() -%}
            delete from {{ this }} where simulation_year >= {{ planalign_year() }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The year a year-loop model that reads its own previous year ({{ this }}) builds:
    planalign_year, once planalign_require_previous_year has found that year in the table. -#}
{% macro planalign_loop_year(year=none) %}
    {%- set chosen = planalign_year(year) -%}
    {%- do planalign_require_previous_year(chosen) -%}
    {{ return(chosen) }}
{% endmacro %}

{#- Guard for a year after the first: it needs the previous year in {{ this }}. -#}
{% macro planalign_require_previous_year(year) %}
    {%- if execute and not is_incremental() -%}
        {%- set first = planalign_first_year() -%}
        {%- if year != first -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ ": simulation_year " ~ year ~ " needs year " ~ (year - 1)
                ~ " in the table; build the years in order from " ~ first) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The rows of one simulation year of year-loop models, as CTEs: one per keyword argument,
    in order, `name as (select * from <model> where simulation_year = <year>)` for
    name='model'; comma-separated, the last without one. -#}
{% macro planalign_year_ctes(year) -%}
    {%- for name, model in kwargs.items() %}
{{ name }} as (
    select * from {{ ref(model) }} where simulation_year = {{ year }}
){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
