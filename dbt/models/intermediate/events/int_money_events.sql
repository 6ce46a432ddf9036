{#- The money events (types 8-12) of each simulated year, numbered after the employee-year's
    other events (rules, "Money event order"): event_sequence = n1 + the position among its money
    events by date, type code and sub-order, so money leaves every other id unchanged. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    tags=['year_loop'],
    pre_hook="{{ planalign_clear_from_year() }}",
) }}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}
{%- set event_models = [
    'int_contribution_events', 'int_vesting_events', 'int_forfeiture_events',
    'int_hce_status_events', 'int_compliance_events',
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

earlier as (
    select employee_id, simulation_year, count(*) as other_events
    from {{ ref('int_yearly_events') }}
    where simulation_year = {{ year }}
    group by employee_id, simulation_year
),

sequenced as (
    select
        e.*,
        t.type_code,
        cast(coalesce(n.other_events, 0) + row_number() over (
            partition by e.employee_id, e.simulation_year
            order by e.effective_date, t.type_code, e.sub_order
        ) as integer) as event_sequence
    from events as e
    inner join {{ ref('stg_planalign__event_types') }} as t on t.event_type = e.event_type
    left join earlier as n
        on n.employee_id = e.employee_id and n.simulation_year = e.simulation_year
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
