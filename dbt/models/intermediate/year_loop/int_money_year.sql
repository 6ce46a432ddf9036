{#- Money of one year, one row per employee of the workforce of Y, in cents and units (rules,
    "Money"): annual earned and plan pay, deferrals under 402(g) and catch-up, the payroll match
    per segment, true-up, non-elective, 415(c) and its cuts, the days limits were reached, and
    HCE status. Year Y reads its own row of Y - 1 (earned pay and HCE status), or the census pay
    in the first year; amounts come from int_money_segments. -#}
{%- set year = planalign_loop_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}
{%- set rs = rng.rate_scale -%}

with

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

tiers as (
    select
        up_to,
        rate,
        coalesce(lag(up_to) over (order by tier), 0) as lower_bound
    from {{ ref('stg_planalign__config_match_tiers') }}
),

limits as (
    select * from {{ ref('int_irs_limits') }} where limit_year = {{ year }}
),

prior_limits as (
    select * from {{ ref('int_irs_limits') }} where limit_year = {{ year - 1 }}
),

{{ planalign_year_ctes(year, workforce='int_workforce_year_state',
    segments='int_money_segments') }},

-- earned pay of the look-back year and HCE status entering the year
previous as (
    {{- planalign_entering_state(year, ['employee_key', 'lookback_cents', 'was_hce'],
        first_year={
            'lookback_cents': rhu(
                'cast(baseline.annual_compensation * 100 as bigint) * (baseline.census_date - greatest('
                ~ year_start('year(baseline.census_date)') ~ ', baseline.hire_date) + 1)',
                days_in_year('year(baseline.census_date)')),
            'was_hce': 'false',
        },
        carried={'lookback_cents': 'earned_cents', 'was_hce': 'is_hce'}, active_only=false) }}
),

annual as (
    select
        employee_key,
        count(*) as segment_count,
        {{- last_by('segment', ua='ua_end', up='up_end', uc='uc_end', n='n_end') }}
    from segments
    group by employee_key
),

people as (
    select
        w.employee_key,
        w.employee_id,
        w.hire_date,
        w.termination_date,
        greatest({{ year_start(year) }}, w.hire_date) as employed_from,
        coalesce(w.termination_date, {{ year_end(year) }} + 1) as employed_until,
        coalesce(a.segment_count, 0) as segment_count,
        coalesce(a.ua, 0) as ua,
        coalesce(a.up, 0) as up,
        coalesce(a.uc, 0) as uc,
        coalesce(a.n, 0) as n,
        cast({{ days_in_year(year) }} as bigint) as year_days,
        {{ age('w.birth_date', year_end(year)) }} as age_at_year_end
    from workforce as w
    left join annual as a on a.employee_key = w.employee_key
),

amounts as (
    select
        p.*,
        {{ rhu('p.ua', 'p.year_days') }} as earned_cents,
        {{ rhu('p.up', 'p.year_days') }} as plan_pay_uncapped_cents,
        {{ rhu('p.uc', 'p.year_days') }} as plan_pay_cents,
        {{ rhu('p.n', rs ~ ' * p.year_days') }} as deferrals_uncapped_cents,
        l.deferral_402g as limit_402g,
        l.compensation_401a17 as limit_401a17,
        case
            when p.age_at_year_end between cfg.catch_up_60_63_min_age and cfg.catch_up_60_63_max_age
                then l.catch_up_60_63
            when p.age_at_year_end >= cfg.catch_up_age then l.catch_up
            else 0
        end as catch_up_limit
    from people as p
    cross join limits as l
    cross join cfg
),

deferrals as (
    select
        a.*,
        least(a.deferrals_uncapped_cents, a.limit_402g + a.catch_up_limit) as total_deferrals
    from amounts as a
),

split as (
    select
        d.*,
        least(d.total_deferrals, d.limit_402g) as pre_tax,
        d.total_deferrals - least(d.total_deferrals, d.limit_402g) as catch_up
    from deferrals as d
),

-- the payroll match: per segment, the deferral and plan pay it added; F summed, rounded once
segment_amounts as (
    select
        s.employee_key,
        least({{ rhu('s.n_end', rs ~ ' * s.year_days') }}, d.limit_402g + d.catch_up_limit)
            - least({{ rhu('s.n_before', rs ~ ' * s.year_days') }}, d.limit_402g + d.catch_up_limit)
            as deferral,
        {{ rhu('s.uc_end', 's.year_days') }} - {{ rhu('s.uc_before', 's.year_days') }} as pay
    from segments as s
    inner join split as d on d.employee_key = s.employee_key
),

payroll_match as (
    select m.employee_key, {{ match_formula('m.deferral', 'm.pay', rs) }} as formula
    from segment_amounts as m
    cross join tiers as t
    group by m.employee_key
),

annual_match as (
    select d.employee_key, {{ match_formula('d.total_deferrals', 'd.plan_pay_cents', rs) }} as formula
    from split as d
    cross join tiers as t
    group by d.employee_key
),

employer as (
    select
        d.*,
        cast({{ rhu('coalesce(pm.formula, 0)', rs ~ ' * ' ~ rs) }} as bigint) as match_before_415c,
        case
            when cfg.match_true_up then greatest(
                0,
                cast({{ rhu('coalesce(am.formula, 0)', rs ~ ' * ' ~ rs) }} as bigint)
                    - cast({{ rhu('coalesce(pm.formula, 0)', rs ~ ' * ' ~ rs) }} as bigint))
            else 0
        end as true_up_before_415c,
        {{ rhu('d.plan_pay_cents * cfg.non_elective_rate', rs) }} as non_elective_before_415c,
        least(l.annual_additions_415c, d.earned_cents) as limit_415c
    from split as d
    cross join cfg
    cross join limits as l
    left join payroll_match as pm on pm.employee_key = d.employee_key
    left join annual_match as am on am.employee_key = d.employee_key
),

additions as (
    select
        e.*,
        e.pre_tax + e.match_before_415c + e.true_up_before_415c + e.non_elective_before_415c
            as additions_before_415c
    from employer as e
),

excess as (
    select
        a.*,
        greatest(0, a.additions_before_415c - a.limit_415c) as excess_415c
    from additions as a
),

cuts as (
    select
        e.*,
        least(e.true_up_before_415c, e.excess_415c) as true_up_cut,
        least(e.match_before_415c, e.excess_415c - least(e.true_up_before_415c, e.excess_415c))
            as match_cut
    from excess as e
),

cut_all as (
    select
        c.*,
        least(c.non_elective_before_415c, c.excess_415c - c.true_up_cut - c.match_cut)
            as non_elective_cut
    from cuts as c
),

-- the first day a cumulative amount reaches its limit: in the first segment whose end value
-- reaches the threshold T, day b + ceil((T - v(b - 1)) / slope) - 1
reach_401a17 as (
    select
        s.employee_key,
        min_by(
            {{ add_days('s.segment_start',
                '(l.compensation_401a17 * s.year_days - s.year_days // 2 - s.up_before + s.pay_cents - 1) // nullif(s.pay_cents, 0) - 1') }},
            s.segment
        ) as reached
    from segments as s
    cross join limits as l
    where s.up_end >= l.compensation_401a17 * s.year_days - s.year_days // 2
    group by s.employee_key
),

reach_402g as (
    select
        s.employee_key,
        min_by(
            {{ add_days('s.segment_start',
                '(l.deferral_402g * ' ~ rs ~ ' * s.year_days - (' ~ rs ~ ' * s.year_days) // 2 - s.n_before'
                ~ ' + s.rate_units * s.pay_cents - 1) // nullif(s.rate_units * s.pay_cents, 0) - 1') }},
            s.segment
        ) as reached
    from segments as s
    cross join limits as l
    where s.n_end >= l.deferral_402g * {{ rs }} * s.year_days - ({{ rs }} * s.year_days) // 2
    group by s.employee_key
),

hce as (
    select
        w.employee_key,
        coalesce(prev.lookback_cents, 0) as lookback_cents,
        coalesce(prev.was_hce, false) as was_hce,
        {{ active_on(year_start(year), 'w.hire_date', 'w.termination_date') }} as active_at_start,
        pl.hce_threshold
    from workforce as w
    cross join prior_limits as pl
    left join previous as prev on prev.employee_key = w.employee_key
)

select
    cast({{ year }} as integer) as simulation_year,
    c.employee_key,
    c.employee_id,
    c.employed_from,
    case when c.employed_until > c.employed_from then c.employed_until - 1 end as last_active_date,
    cast(c.employed_until - c.employed_from as integer) as days_employed,
    cast(c.segment_count as integer) as segments,
    cast(c.age_at_year_end as integer) as age_at_year_end,
    c.earned_cents,
    c.plan_pay_uncapped_cents,
    c.plan_pay_cents,
    c.deferrals_uncapped_cents,
    c.pre_tax as pre_tax_cents,
    c.catch_up as catch_up_cents,
    c.total_deferrals as total_deferrals_cents,
    c.match_before_415c,
    c.true_up_before_415c,
    c.non_elective_before_415c,
    c.match_cut,
    c.true_up_cut,
    c.non_elective_cut,
    c.match_before_415c - c.match_cut as match_cents,
    c.true_up_before_415c - c.true_up_cut as true_up_cents,
    c.non_elective_before_415c - c.non_elective_cut as non_elective_cents,
    c.additions_before_415c,
    c.additions_before_415c - c.excess_415c as additions_cents,
    c.excess_415c as excess_415c_cents,
    c.limit_402g,
    c.catch_up_limit,
    c.limit_401a17,
    c.limit_415c,
    r17.reached as reached_401a17_date,
    r402.reached as reached_402g_date,
    h.lookback_cents,
    h.hce_threshold,
    case
        when h.active_at_start then h.lookback_cents > h.hce_threshold
        else h.was_hce
    end as is_hce,
    h.active_at_start and (h.lookback_cents > h.hce_threshold) != h.was_hce as hce_changed,
    l.estimated or pl.estimated as irs_limits_estimated
from cut_all as c
inner join hce as h on h.employee_key = c.employee_key
cross join limits as l
cross join prior_limits as pl
left join reach_401a17 as r17 on r17.employee_key = c.employee_key
left join reach_402g as r402 on r402.employee_key = c.employee_key
