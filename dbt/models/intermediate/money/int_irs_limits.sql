{{ config(materialized='replace_table') }}
{#- lim(Y) for every year a run needs (rules, "IRS limits"), in cents: a published year's values;
    after the last published year Z each limit indexed by limits.index_rate from Z in whole
    cents, V(y) = scale(V(y - 1), g), then rounded down to its increment; before the first
    published year, the first one's values. Projected and back-filled years are `estimated`. -#}
{%- set rng = planalign_rng() -%}
{%- set limits = ['deferral_402g', 'catch_up', 'catch_up_60_63', 'compensation_401a17',
                  'annual_additions_415c', 'hce_threshold'] %}

with recursive

published as (
    select * from {{ ref('stg_planalign__config_irs_limits') }}
),

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

run as (
    select * from {{ ref('int_run') }}
),

span as (
    select
        min(p.limit_year) as first_published,
        max(p.limit_year) as last_published,
        least(min(p.limit_year), max(run.start_year) - 1) as first_needed,
        greatest(max(p.limit_year), max(run.last_year)) as last_needed
    from published as p
    cross join run
),

-- V(y) for y > Z, unrounded to the increment (whole cents)
projected as (
    select p.limit_year
        {%- for name in limits %}, p.{{ name }}{% endfor %}
    from published as p
    inner join span on p.limit_year = span.last_published

    union all

    select v.limit_year + 1
        {%- for name in limits %},
        {{ scale('v.' ~ name, 'cfg.limits_index_rate', rng) }}
        {%- endfor %}
    from projected as v
    cross join cfg
    cross join span
    where v.limit_year < span.last_needed
),

years as (
    select unnest(generate_series(span.first_needed, span.last_needed)) as limit_year
    from span
)

select
    cast(y.limit_year as integer) as limit_year
    {%- for name in limits %},
    cast(case
        when p.limit_year is not null then p.{{ name }}
        when y.limit_year > span.last_published
            then (v.{{ name }} // (100 * cfg.increment_{{ name }})) * (100 * cfg.increment_{{ name }})
        else first.{{ name }}
    end as bigint) as {{ name }}
    {%- endfor %},
    p.limit_year is null as estimated
from years as y
cross join span
cross join cfg
left join published as p on p.limit_year = y.limit_year
left join projected as v on v.limit_year = y.limit_year
left join published as first on first.limit_year = span.first_published
