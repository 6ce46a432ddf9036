{#- The events (types 1-7) of each simulated year, ordered and identified (rules, "Events",
    "Event identity"): event_sequence numbers an employee's events of a year by date, then type
    code, then sub-order. Built once per year (the per-type event views are filtered to it); the
    deferral-rate accumulator and the money read this, never fct_yearly_events. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    tags=['year_loop'],
    pre_hook="{{ planalign_clear_from_year() }}",
) }}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}
{%- set event_models = [
    'int_hire_events', 'int_termination_events', 'int_promotion_events', 'int_merit_events',
    'int_eligibility_events', 'int_enrollment_events', 'int_deferral_escalation_events',
] -%}

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

sequenced as (
    select
        e.*,
        t.type_code,
        cast(row_number() over (
            partition by e.employee_id, e.simulation_year
            order by e.effective_date, t.type_code, e.sub_order
        ) as integer) as event_sequence
    from events as e
    inner join {{ ref('stg_planalign__event_types') }} as t on t.event_type = e.event_type
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
