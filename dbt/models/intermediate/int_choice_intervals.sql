{#- Weighted choices as intervals: entry i is chosen when bounded(u, 10000) falls in
    [cum_lo, cum_hi), the running sum of the weights before and through it (rules, "Using a
    draw"). A zero weight gives an empty interval, so it is never chosen. -#}

with

entries as (
    select
        'hire_job_level' as choice,
        job_level as entry,
        cast(job_level as bigint) as value,
        hire_weight as weight
    from {{ ref('stg_planalign__config_levels') }}

    union all

    select
        'voluntary_deferral_rate' as choice,
        entry,
        cast(rate as bigint) as value,
        weight
    from {{ ref('stg_planalign__config_deferral_rates') }}
),

cumulative as (
    select
        *,
        sum(weight) over (
            partition by choice order by entry rows between unbounded preceding and current row
        ) as cum_hi
    from entries
)

select
    choice,
    entry,
    value,
    weight,
    cast(cum_hi - weight as bigint) as cum_lo,
    cast(cum_hi as bigint) as cum_hi
from cumulative
