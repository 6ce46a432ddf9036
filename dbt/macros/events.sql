{#- The year's events of `event_models` as stored (rules, "Events", "Event identity"): their
    union, numbered per employee-year by date, then type code, then sub-order, and identified.
    With `after_model`, the numbers continue after that model's events of the employee-year
    (rules, "Money event order": the money events follow types 1-7, whose ids do not change).
    The one sequencing and id pipeline of int_yearly_events and int_money_events. -#}
{% macro planalign_sequenced_events(event_models, year, after_model=none) %}
{%- set rng = planalign_rng() -%}
with

run as (
    select * from {{ ref('int_run') }}
),

events as (
    {%- for model in event_models %}
    select * from {{ ref(model) }} where simulation_year = {{ year }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
),
{%- if after_model is not none %}

earlier as (
    select employee_id, simulation_year, count(*) as other_events
    from {{ ref(after_model) }}
    where simulation_year = {{ year }}
    group by employee_id, simulation_year
),
{%- endif %}

sequenced as (
    select
        e.*,
        t.type_code,
        cast(
            {%- if after_model is not none %} coalesce(n.other_events, 0) +{% endif %} row_number() over (
            partition by e.employee_id, e.simulation_year
            order by e.effective_date, t.type_code, e.sub_order
        ) as integer) as event_sequence
    from events as e
    inner join {{ ref('stg_planalign__event_types') }} as t on t.event_type = e.event_type
    {%- if after_model is not none %}
    left join earlier as n
        on n.employee_id = e.employee_id and n.simulation_year = e.simulation_year
    {%- endif %}
),

identified as (
    select
        s.*,
        {{ event_id_hex('s.key_hash', 's.id_hash', 's.simulation_year', 's.type_code', 's.event_sequence', rng) }}
            as event_id_hex
    from sequenced as s
)

select
    {{ uuid_text('i.event_id_hex') }} as event_id,
    run.scenario_id,
    run.plan_design_id,
    i.* exclude (event_id_hex, key_hash, id_hash, sub_order),
    'planalign' as source_system
from identified as i
cross join run
{% endmacro %}

{#- The columns every per-type event model starts with, in the layout
    planalign_sequenced_events unions: the employee-year (from the row aliased `row`), the
    hashes of its id (from the workforce row aliased `keys`), the type, the date and the order
    within a day. -#}
{% macro event_columns(event_type, effective_date, row='w', keys='w', sub_order=1) -%}
    {{ row }}.simulation_year,
    {{ row }}.employee_key,
    {{ row }}.employee_id,
    {{ keys }}.key_hash,
    {{ keys }}.id_hash,
    '{{ event_type }}' as event_type,
    {{ effective_date }} as effective_date,
    {{ sub_order }} as sub_order
{%- endmacro %}

{#- The join of an event model's row (aliased `row`) to its employee's workforce row of the
    same year, aliased `w`: the hashes of the id for event_columns, and any other column of the
    year's workforce. `key` is the employee column both share. -#}
{% macro join_year_workforce(row, key='employee_key') -%}
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = {{ row }}.simulation_year and w.{{ key }} = {{ row }}.{{ key }}
{%- endmacro %}
