{#- The state a year-loop model carries into year Y, the one shape of every such model's
    "previous year" query: in the run's first year the census baseline's active employees
    (alias `baseline`, the run as `run`), each column as `first_year` computes it (default:
    the baseline's column of that name); in a later year the model's own rows of Y - 1
    ({{ this }}, alias `previous`), each column read from the column `carried` names (default:
    the same name), of the employees still active at its end unless `active_only` is false. -#}
{% macro planalign_entering_state(year, columns, first_year={}, carried={}, active_only=true) %}
    select
        {%- for column in columns %}
        {{ first_year.get(column, 'baseline.' ~ column) }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_baseline_workforce') }} as baseline
    cross join {{ ref('int_run') }} as run
    where baseline.is_active and run.start_year = {{ year }}
    {%- if is_incremental() %}

    union all

    select
        {%- for column in columns %}
        previous.{{ carried.get(column, column) }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as previous
    where previous.simulation_year = {{ year - 1 }}{{ ' and previous.is_active' if active_only }}
    {%- endif %}
{% endmacro %}
