{#- The workforce of one simulation year, one row per employee (experienced and new hires,
    terminated or not): the state entering the year, every workforce decision of the year and
    the state leaving it (rules, "The simulation year": terminations, hires, new-hire
    terminations, promotions, merit and COLA). Year Y reads the rows of Y - 1 that did not
    terminate ({{ this }}), or the baseline's active rows in the first year. -#}
{%- set year = planalign_loop_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}

with

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

levels as (
    select * from {{ ref('stg_planalign__config_levels') }}
),

tenure_bands as (
    select * from {{ ref('stg_planalign__config_tenure_bands') }}
),

hire_levels as (
    select * from {{ ref('int_choice_intervals') }} where choice = 'hire_job_level'
),

calendar as (
    select
        cast({{ year }} as integer) as simulation_year,
        {{ year_start(year) }} as year_start,
        {{ year_end(year) }} as year_end,
        cast({{ days_in_year(year) }} as bigint) as year_days,
        {{ date_in_year(year, 'cfg.promotion_month_day') }} as promotion_date,
        {{ date_in_year(year, 'cfg.merit_month_day') }} as merit_date,
        (select max(job_level) from levels) as max_level
    from cfg
),

-- The state entering the year.
entering as (
    {{- planalign_entering_state(year,
        ['employee_key', 'employee_id', 'birth_date', 'hire_date', 'plan_entry_date',
         'job_level', 'compensation_cents'],
        first_year={'compensation_cents': 'cast(baseline.annual_compensation * 100 as bigint)'}) }}
),

experienced as (
    select
        e.*,
        {{- draws('e.year_hash', ['experienced_termination', 'experienced_termination_date',
                                  'termination_reason', 'promotion', 'merit_spread'], rng) }},
        {{ age('e.birth_date', 'cal.year_start') }} as age_at_start,
        {{ age('e.hire_date', 'cal.year_start') }} as tenure_at_start
    from {{ planalign_hashed('entering', year, rng) }} as e
    cross join calendar as cal
),

-- Experienced terminations: retirement from retirement_age, otherwise the tenure band's rate
-- plus the level's adjustment, clamped to [0, 1].
termination_odds as (
    select
        e.*,
        e.age_at_start >= cfg.retirement_age as retires,
        case
            when e.age_at_start >= cfg.retirement_age then cfg.retirement_rate
            else {{ clamp('band.rate + lv.termination_adjustment', 0, rng.rate_scale) }}
        end as termination_rate
    from experienced as e
    cross join cfg
    inner join levels as lv on lv.job_level = e.job_level
    asof left join tenure_bands as band on e.tenure_at_start >= band.min_tenure
),

experienced_outcomes as (
    select
        t.*,
        false as is_new_hire,
        case
            when {{ happens('t.u_experienced_termination', 't.termination_rate', rng) }}
                then {{ add_days('cal.year_start',
                                 bounded('t.u_experienced_termination_date', 'cal.year_days', rng)) }}
        end as termination_date,
        case
            when t.retires then 'retirement'
            when {{ happens('t.u_termination_reason', 'cfg.involuntary_share', rng) }} then 'involuntary'
            else 'voluntary'
        end as reason_if_terminated
    from termination_odds as t
    cross join calendar as cal
    cross join cfg
),

-- Hires: enough to reach round_half_up(S * (1 + g)) at year end, grossed up for the share of
-- hires who leave within the year.
hire_count as (
    select
        count(*) as experienced_count,
        count(termination_date) as experienced_terminations
    from experienced_outcomes
),

hire_target as (
    select
        hc.*,
        {{ rhu('hc.experienced_count * (' ~ rng.rate_scale ~ ' + cfg.growth_rate)', rng.rate_scale) }}
            - (hc.experienced_count - hc.experienced_terminations) as net_hires,
        cfg.new_hire_termination_rate as leave_rate
    from hire_count as hc
    cross join cfg
),

hire_numbers as (
    select
        case
            when net_hires <= 0 then 0
            else (net_hires * {{ rng.rate_scale }} + ({{ rng.rate_scale }} - leave_rate) - 1)
                // ({{ rng.rate_scale }} - leave_rate)
        end as hires,
        case
            when net_hires <= 0 then 0
            else (net_hires * {{ rng.rate_scale }} + ({{ rng.rate_scale }} - leave_rate) - 1)
                // ({{ rng.rate_scale }} - leave_rate) - net_hires
        end as hires_leaving
    from hire_target
),

hire_ordinals as (
    select unnest(generate_series(1, hires)) as ordinal from hire_numbers
),

hire_keys as (
    select
        cast({{ year }} as bigint) * {{ rng.new_hire_key_base }} + h.ordinal as employee_key,
        'NH' || '{{ year }}' || '_' || lpad(cast(h.ordinal as varchar), 7, '0') as employee_id
    from hire_ordinals as h
),

hire_draws as (
    select
        h.*,
        {{- draws('h.year_hash', ['hire_date', 'hire_job_level', 'hire_age', 'hire_birth_day',
                                  'hire_pay', 'new_hire_termination_rank',
                                  'new_hire_termination_date', 'termination_reason'], rng) }}
    from {{ planalign_hashed('hire_keys', year, rng) }} as h
),

hire_attributes as (
    select
        h.*,
        {{ add_days('cal.year_start', bounded('h.u_hire_date', 'cal.year_days', rng)) }} as hire_date,
        cast(choice.value as smallint) as job_level,
        cfg.hiring_age_min
            + {{ bounded('h.u_hire_age', 'cfg.hiring_age_max - cfg.hiring_age_min + 1', rng) }} as age
    from hire_draws as h
    cross join calendar as cal
    cross join cfg
    inner join hire_levels as choice on {{ chosen_by('h.u_hire_job_level', rng) }}
),

hire_people as (
    select
        h.*,
        {{ add_days(year_start(year ~ ' - h.age'),
                    bounded('h.u_hire_birth_day', days_in_year(year ~ ' - h.age'), rng)) }} as birth_date,
        lv.pay_min_cents
            + 100 * {{ bounded('h.u_hire_pay', '(lv.pay_max_cents - lv.pay_min_cents) // 100 + 1', rng) }}
            as compensation_cents
    from hire_attributes as h
    inner join levels as lv on lv.job_level = h.job_level
),

-- New-hire terminations: the first K hires by (u4, employee_key) leave within the year.
hire_ranked as (
    select
        h.*,
        row_number() over (order by h.u_new_hire_termination_rank, h.employee_key) as leave_rank
    from hire_people as h
),

hire_outcomes as (
    select
        h.*,
        {{ plan_entry_date('h.birth_date', 'h.hire_date') }} as plan_entry_date,
        case
            when h.leave_rank <= n.hires_leaving
                then {{ add_days('h.hire_date',
                                 bounded('h.u_new_hire_termination_date',
                                         '(cal.year_end - h.hire_date) + 1', rng)) }}
        end as termination_date,
        case
            when {{ happens('h.u_termination_reason', 'cfg.involuntary_share', rng) }} then 'involuntary'
            else 'voluntary'
        end as reason_if_terminated
    from hire_ranked as h
    cross join hire_numbers as n
    cross join calendar as cal
    cross join cfg
),

-- Promotions on date(Y, promotion_date), for experienced employees active on it below the
-- top level.
promotions as (
    select
        e.*,
        e.job_level < cal.max_level
            and {{ active_on('cal.promotion_date', 'e.hire_date', 'e.termination_date') }}
            and {{ happens('e.u_promotion', 'lv.promotion_rate', rng) }} as promoted
    from experienced_outcomes as e
    cross join calendar as cal
    inner join levels as lv on lv.job_level = e.job_level
),

promoted_pay as (
    select
        p.*,
        case when p.promoted then cast(p.job_level + 1 as smallint) else p.job_level end
            as promoted_level,
        case
            when p.promoted then greatest(
                {{ scale('p.compensation_cents', 'cfg.promotion_raise', rng) }},
                next_level.pay_min_cents)
            else p.compensation_cents
        end as promoted_compensation_cents
    from promotions as p
    cross join cfg
    left join levels as next_level on next_level.job_level = p.job_level + 1
),

-- Merit and COLA on date(Y, merit_date), at the level after promotion.
merit as (
    select
        p.*,
        case
            when {{ active_on('cal.merit_date', 'p.hire_date', 'p.termination_date') }}
                then greatest(
                    0,
                    lv.merit_rate
                        + {{ bounded('p.u_merit_spread', '2 * cfg.merit_spread + 1', rng) }}
                        - cfg.merit_spread)
        end as merit_units,
        cfg.cola_rate as cola_units
    from promoted_pay as p
    cross join calendar as cal
    cross join cfg
    inner join levels as lv on lv.job_level = p.promoted_level
),

merit_outcomes as (
    select
        m.*,
        coalesce(m.merit_units + m.cola_units > 0, false) as merit_raise
    from merit as m
),

experienced_final as (
    select
        m.employee_key,
        m.employee_id,
        m.key_hash,
        m.id_hash,
        m.year_hash,
        m.is_new_hire,
        m.birth_date,
        m.hire_date,
        m.plan_entry_date,
        m.job_level as start_job_level,
        m.compensation_cents as start_compensation_cents,
        m.termination_date,
        case when m.termination_date is not null then m.reason_if_terminated end
            as termination_reason,
        m.promoted,
        m.promoted_compensation_cents,
        m.merit_raise,
        case when m.merit_raise then m.merit_units end as merit_units,
        case when m.merit_raise then m.cola_units end as cola_units,
        m.promoted_level as job_level,
        case
            when m.merit_raise
                then {{ scale('m.promoted_compensation_cents', 'm.merit_units + m.cola_units', rng) }}
            else m.promoted_compensation_cents
        end as compensation_cents
    from merit_outcomes as m
),

hires_final as (
    select
        h.employee_key,
        h.employee_id,
        h.key_hash,
        h.id_hash,
        h.year_hash,
        true as is_new_hire,
        h.birth_date,
        h.hire_date,
        h.plan_entry_date,
        h.job_level as start_job_level,
        h.compensation_cents as start_compensation_cents,
        h.termination_date,
        case when h.termination_date is not null then h.reason_if_terminated end
            as termination_reason,
        false as promoted,
        h.compensation_cents as promoted_compensation_cents,
        false as merit_raise,
        cast(null as bigint) as merit_units,
        cast(null as bigint) as cola_units,
        h.job_level,
        h.compensation_cents
    from hire_outcomes as h
),

workforce as (
    select * from experienced_final
    union all by name
    select * from hires_final
)

select
    cast({{ year }} as integer) as simulation_year,
    employee_key,
    employee_id,
    key_hash,
    id_hash,
    year_hash,
    is_new_hire,
    birth_date,
    hire_date,
    plan_entry_date,
    start_job_level,
    start_compensation_cents,
    termination_date,
    termination_reason,
    promoted,
    promoted_compensation_cents,
    merit_raise,
    cast(merit_units as integer) as merit_units,
    cast(cola_units as integer) as cola_units,
    job_level,
    cast({{ bounded_pay('compensation_cents', 'employee_id', year, rng) }} as bigint)
        as compensation_cents,
    termination_date is null as is_active
from workforce
