{#- The year loop: one build simulates `simulation_year`; without the var, the run's first year
    (run_parameters.start_year). Models call var('simulation_year', none) themselves, so a unit
    test's `overrides: vars:` reaches them, and fall back on planalign_first_year(). -#}

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
        {{ return(planalign_first_year()) }}
    {%- endif -%}
    {{ return(chosen | int) }}
{% endmacro %}

{#- Pre-hook of the year-loop models: building year Y replaces year Y and drops every later
    year (they were computed from the old Y), so re-running a year never leaves stale rows. -#}
{% macro planalign_clear_from_year() %}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
        {%- if existing is not none and not should_full_refresh() -%}
            delete from {{ this }} where simulation_year >= {{ planalign_year() }}
        {%- endif -%}
    {%- endif -%}
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
