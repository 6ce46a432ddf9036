{#- The year's segments of each employee (rules, "The year's employment, pay and deferral
    timelines"): between consecutive boundaries (s, x and the dates of its promotion, merit,
    eligibility, enrollment and escalation events of Y) pay c, rate r and plan membership are
    constant. Cumulative amounts at each segment's end, in cent-days (and units for N):
    Ua (all pay), Up (plan pay), Uc = min(Up, 401(a)(17) limit * D), N = sum of r * dUc.
    Pay and rate come from the year's events (types 1-7) in event_sequence order. -#}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}

with

limits as (
    select * from {{ ref('int_irs_limits') }} where limit_year = {{ year }}
),

{{ planalign_year_ctes(year, workforce='int_workforce_year_state',
    participation='int_participation_year_state') }},

events as (
    select *
    from {{ ref('int_yearly_events') }}
    where simulation_year = {{ year }}
      and event_type in ('promotion', 'merit', 'eligibility', 'enrollment', 'deferral_escalation')
),

people as (
    select
        w.employee_key,
        w.employee_id,
        greatest({{ year_start(year) }}, w.hire_date) as employed_from,
        coalesce(w.termination_date, {{ year_end(year) }} + 1) as employed_until,
        w.start_compensation_cents,
        p.start_deferral_units,
        p.start_is_eligible
    from workforce as w
    inner join participation as p on p.employee_key = w.employee_key
),

boundaries as (
    select employee_key, employed_from as boundary from people
    union
    select employee_key, employed_until from people
    union
    select p.employee_key, e.effective_date
    from events as e
    inner join people as p on p.employee_id = e.employee_id
),

ordered as (
    select
        employee_key,
        boundary as segment_start,
        lead(boundary) over (partition by employee_key order by boundary) as segment_end
    from boundaries
),

-- the pay and rate set on each date: the last event of the date in event_sequence order
pay_changes as (
    select
        employee_id,
        effective_date,
        cast(arg_max(new_compensation, event_sequence) * 100 as bigint) as pay_cents
    from events
    where event_type in ('promotion', 'merit')
    group by employee_id, effective_date
),

rate_changes as (
    select
        employee_id,
        effective_date,
        cast(arg_max(
            case when event_type = 'enrollment' then pre_tax_rate + roth_rate else new_rate end,
            event_sequence
        ) * {{ rng.rate_scale }} as bigint) as rate_units
    from events
    where event_type in ('enrollment', 'deferral_escalation')
    group by employee_id, effective_date
),

plan_entries as (
    select employee_id, min(effective_date) as eligible_from
    from events
    where event_type = 'eligibility'
    group by employee_id
),

segments as (
    select
        o.employee_key,
        p.employee_id,
        o.segment_start,
        o.segment_end,
        o.segment_end - o.segment_start as days,
        coalesce(pay.pay_cents, p.start_compensation_cents) as pay_cents,
        coalesce(rate.rate_units, p.start_deferral_units) as rate_units,
        p.start_is_eligible or coalesce(entry.eligible_from <= o.segment_start, false) as in_plan
    from ordered as o
    inner join people as p on p.employee_key = o.employee_key
    left join plan_entries as entry on entry.employee_id = p.employee_id
    asof left join pay_changes as pay
        on pay.employee_id = p.employee_id and o.segment_start >= pay.effective_date
    asof left join rate_changes as rate
        on rate.employee_id = p.employee_id and o.segment_start >= rate.effective_date
    where o.segment_end is not null
),

sums as (
    select
        s.*,
        row_number() over by_date as segment,
        sum(s.pay_cents * s.days) over by_date as ua_end,
        sum(case when s.in_plan then s.pay_cents * s.days else 0 end) over by_date as up_end,
        cast({{ days_in_year(year) }} as bigint) as year_days
    from segments as s
    window by_date as (partition by s.employee_key order by s.segment_start)
),

capped as (
    select
        s.*,
        least(s.up_end, l.compensation_401a17 * s.year_days) as uc_end,
        l.compensation_401a17 * s.year_days as uc_cap
    from sums as s
    cross join limits as l
),

deferred as (
    select
        c.*,
        c.uc_end - lag(c.uc_end, 1, 0) over by_date as uc_growth
    from capped as c
    window by_date as (partition by c.employee_key order by c.segment_start)
),

accrued as (
    select
        d.*,
        sum(d.rate_units * d.uc_growth) over (
            partition by d.employee_key order by d.segment_start
        ) as n_end
    from deferred as d
)

select
    cast({{ year }} as integer) as simulation_year,
    employee_key,
    employee_id,
    cast(segment as integer) as segment,
    segment_start,
    segment_end,
    days,
    pay_cents,
    rate_units,
    in_plan,
    year_days,
    uc_cap,
    cast(ua_end - pay_cents * days as bigint) as ua_before,
    cast(ua_end as bigint) as ua_end,
    cast(up_end - case when in_plan then pay_cents * days else 0 end as bigint) as up_before,
    cast(up_end as bigint) as up_end,
    cast(uc_end - uc_growth as bigint) as uc_before,
    cast(uc_end as bigint) as uc_end,
    cast(n_end - rate_units * uc_growth as bigint) as n_before,
    cast(n_end as bigint) as n_end
from accrued
