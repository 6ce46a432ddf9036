{#- on-run-end of `dbt run` and `dbt build`: make a file built by hand readable like one that
    `planalign simulate` wrote (`planalign history`, the balance lookup). `planalign dbt-inputs`
    writes the run's metadata row and the package's output views (their SQL is the package's,
    store/snapshots.py, never a second copy here) into the input schema; this copies the row to
    run_metadata (events_written counted now) and creates each view whose tables exist. A run
    of `planalign simulate` writes neither input: there the hook does nothing. -#}
{% macro planalign_finish_file() %}
    {%- if not execute or flags.WHICH not in ('run', 'build') or var('planalign_scratch', false) -%}
        {#- `planalign simulate` copies the tables out of its scratch file itself -#}
        {{ return('') }}
    {%- endif -%}
    {%- set inputs = var('planalign_input_schema') -%}
    {%- set present = run_query(
        "select schema_name || '.' || table_name from duckdb_tables() union all "
        ~ "select schema_name || '.' || view_name from duckdb_views() where not internal"
        ).columns[0].values() -%}
    {%- set events = target.schema ~ '.fct_yearly_events' -%}
    {%- if inputs ~ '.run_metadata' in present and events in present -%}
        {%- do run_query(
            'create or replace table ' ~ adapter.quote(target.schema) ~ '.run_metadata as '
            ~ 'select * replace ((select count(*) from ' ~ adapter.quote(target.schema)
            ~ '.fct_yearly_events e where e.scenario_id = m.scenario_id) as events_written) '
            ~ 'from ' ~ planalign_input_relation('run_metadata') ~ ' m') -%}
    {%- endif -%}
    {%- if inputs ~ '.output_views' in present -%}
        {%- set views = run_query(
            'select sql, reads from ' ~ planalign_input_relation('output_views')) -%}
        {%- for view in views.rows -%}
            {%- set missing = [] -%}
            {%- for table in view[1].split(',') if target.schema ~ '.' ~ table not in present -%}
                {%- do missing.append(table) -%}
            {%- endfor -%}
            {%- if not missing -%}
                {%- do run_query(view[0]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
