{{ config(materialized='replace_table') }}
{#- One row: the run's parameters, its census date and last year, and two constant heads folded
    one word per query layer: run_hash = hash_words(seed_lo, seed_hi, scenario_key), the head of
    every draw and of event-id word w0, and id_run_hash = hash_words(2, seed_lo, seed_hi,
    scenario_key), the head of event-id word w1 (planalign_core/events/identity.py: w1 has its
    own chain, so the two words are not functions of one 32-bit state). -#}
{%- set rng = planalign_rng() -%}

with

run as (
    select * from {{ ref('stg_planalign__run_parameters') }}
),

seed_low as (
    select
        *,
        {{ hash_word(u64(0), 'seed', rng) }} as run_hash,
        {{ hash_word(u64(0), 2, rng) }} as id_run_hash
    from run
),

id_seed_low as (
    select * replace ({{ hash_word('id_run_hash', 'seed', rng) }} as id_run_hash) from seed_low
),

seed_high as (
    select * replace (
        {{ hash_word('run_hash', 'seed >> 32', rng) }} as run_hash,
        {{ hash_word('id_run_hash', 'seed >> 32', rng) }} as id_run_hash
    )
    from id_seed_low
),

scenario as (
    select * replace (
        {{ hash_word('run_hash', 'scenario_key', rng) }} as run_hash,
        {{ hash_word('id_run_hash', 'scenario_key', rng) }} as id_run_hash
    )
    from seed_high
)

select
    scenario_id,
    plan_design_id,
    seed,
    scenario_key,
    start_year,
    years,
    start_year + years - 1 as last_year,
    {{ year_end('start_year - 1') }} as census_date,
    run_hash,
    id_run_hash
from scenario
