{#- Headcount (rules, "Hires"): with S experienced employees and T experienced terminations,
    a year ends with max(round_half_up(S * (1 + growth_rate)), S - T) active employees; and the
    experienced employees of a year are exactly the previous year's active ones. -#}
{%- set rng = planalign_rng() %}

with

snapshot as (
    select * from {{ ref('fct_workforce_snapshot') }}
),

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

years as (
    select
        scenario_id,
        simulation_year,
        count(*) filter (where detailed_status in ('continuous_active', 'experienced_termination'))
            as experienced,
        count(*) filter (where detailed_status = 'experienced_termination') as leavers,
        count(*) filter (where employment_status = 'active') as ending
    from snapshot
    group by scenario_id, simulation_year
),

checked as (
    select
        y.*,
        lag(y.ending) over (partition by y.scenario_id order by y.simulation_year) as previous_ending,
        greatest(
            {{ rhu('y.experienced * (' ~ rng.rate_scale ~ ' + cfg.growth_rate)', rng.rate_scale) }},
            y.experienced - y.leavers
        ) as expected_ending
    from years as y
    cross join cfg
)

select *
from checked
where ending != expected_ending
   or (previous_ending is not null and experienced != previous_ending)
