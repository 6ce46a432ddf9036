{{ config(materialized='replace_table') }}
{#- pct(A): the vested share of employer money (basis units) after A completed years of
    service (rules, "Vesting and forfeitures"), for every A an employee can reach. -#}
{%- set rng = planalign_rng() %}

with

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

graded as (
    select * from {{ ref('stg_planalign__config_vesting_graded') }}
),

service as (
    select cast(range as integer) as years_of_service from range(0, 201)
)

select
    s.years_of_service,
    cast(case cfg.vesting_schedule
        when 'immediate' then {{ rng.rate_scale }}
        when 'cliff' then
            case when s.years_of_service >= cfg.vesting_cliff_years then {{ rng.rate_scale }} else 0 end
        when 'graded' then coalesce(g.vested_units, 0)
    end as bigint) as vested_units
from service as s
cross join cfg
asof left join graded as g on s.years_of_service >= g.years_of_service
