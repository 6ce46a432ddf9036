{#- Plan participation in one simulation year, one row per employee of the workforce of the
    year: the state entering it, the year's decisions (rules: eligibility, auto-enrolment and
    opt-out, voluntary enrolment, deferral escalation) and the state leaving it. Year Y reads
    the rows of Y - 1 that did not terminate ({{ this }}), or the baseline in the first year;
    who is employed, when, and at what pay comes from int_workforce_year_state. -#}
{%- set year = planalign_loop_year(var('simulation_year', none)) -%}
{%- set rng = planalign_rng() -%}

with

cfg as (
    select * from {{ ref('stg_planalign__config') }}
),

age_bands as (
    select * from {{ ref('stg_planalign__config_age_bands') }}
),

pay_bands as (
    select * from {{ ref('stg_planalign__config_pay_bands') }}
),

rate_choices as (
    select * from {{ ref('int_choice_intervals') }} where choice = 'voluntary_deferral_rate'
),

calendar as (
    select
        {{ year_start(year) }} as year_start,
        {{ year_end(year) }} as year_end,
        {{ date_in_year(year, 'cfg.escalation_month_day') }} as escalation_date
    from cfg
),

{{ planalign_year_ctes(year, workforce='int_workforce_year_state') }},

-- Participation entering the year.
entering as (
    {{- planalign_entering_state(year,
        ['employee_key', 'is_eligible', 'is_enrolled', 'deferral_units', 'enrollment_year',
         'escalation_opted_out'],
        first_year={
            'deferral_units': 'cast(baseline.deferral_rate * ' ~ rng.rate_scale ~ ' as integer)',
            'enrollment_year': 'case when baseline.is_enrolled then run.start_year - 1 end',
            'escalation_opted_out': 'false',
        }) }}
),

people as (
    select
        w.employee_key,
        w.employee_id,
        w.is_new_hire,
        w.birth_date,
        w.hire_date,
        w.plan_entry_date,
        w.termination_date,
        w.start_compensation_cents,
        w.is_active,
        coalesce(e.is_eligible, false) as start_is_eligible,
        coalesce(e.is_enrolled, false) as start_is_enrolled,
        coalesce(e.deferral_units, 0) as start_deferral_units,
        e.enrollment_year as start_enrollment_year,
        coalesce(e.escalation_opted_out, false) as start_escalation_opted_out,
        {{- draws('w.year_hash', ['auto_opt_out', 'voluntary_enrollment', 'voluntary_enrollment_date',
                                  'voluntary_deferral_rate', 'escalation_opt_out'], rng) }}
    from workforce as w
    left join entering as e on e.employee_key = w.employee_key
),

-- Eligibility on the plan entry date, when it falls in the year and the employee is active.
eligibility as (
    select
        p.*,
        not p.start_is_eligible
            and p.plan_entry_date between cal.year_start and cal.year_end
            and {{ active_on('p.plan_entry_date', 'p.hire_date', 'p.termination_date') }}
            as becomes_eligible
    from people as p
    cross join calendar as cal
),

-- Auto-enrolment on the entry date; opt-out at the end of the window (at the latest Dec 31).
auto_enrolment as (
    select
        e.*,
        cfg.auto_enabled and e.becomes_eligible as auto_enrolled,
        least({{ add_days('e.plan_entry_date', 'cfg.auto_opt_out_window_days') }}, cal.year_end)
            as opt_out_on
    from eligibility as e
    cross join cfg
    cross join calendar as cal
),

-- Voluntary enrolment: candidates not enrolled, not auto-enrolled, eligible at start (window
-- from January 1) or in the year (window from the entry date).
voluntary_candidates as (
    select
        a.*,
        not a.start_is_enrolled
            and not a.auto_enrolled
            and (a.start_is_eligible or a.becomes_eligible) as is_candidate,
        case when a.start_is_eligible then cal.year_start else a.plan_entry_date end
            as window_start,
        {{ age('a.birth_date', 'greatest(cal.year_start, a.hire_date)') }} as age_at_window
    from auto_enrolment as a
    cross join calendar as cal
),

voluntary_odds as (
    select
        v.*,
        {{ clamp('age_band.rate + pay_band.adjustment', 0, rng.rate_scale) }} as enrol_rate
    from voluntary_candidates as v
    asof left join age_bands as age_band on v.age_at_window >= age_band.min_age
    asof left join pay_bands as pay_band on v.start_compensation_cents >= pay_band.min_pay_cents
),

voluntary as (
    select
        v.*,
        -- the window lies in the year for candidates only: others get a dummy bound of 1
        {{ add_days('v.window_start', bounded('v.u_voluntary_enrollment_date',
            'case when v.is_candidate then (cal.year_end - v.window_start) + 1 else 1 end', rng)) }}
            as voluntary_on,
        choice.value as chosen_rate
    from voluntary_odds as v
    cross join calendar as cal
    inner join rate_choices as choice on {{ chosen_by('v.u_voluntary_deferral_rate', rng) }}
),

-- The auto-enrolled who opt out and the candidates who enrol: each when drawn and still active
-- on the day.
enrolment_outcomes as (
    select
        v.*,
        {{ happens_on('v.auto_enrolled', 'v.u_auto_opt_out', 'cfg.auto_opt_out_rate',
            'v.opt_out_on', rng, 'v') }} as opts_out,
        {{ happens_on('v.is_candidate', 'v.u_voluntary_enrollment', 'v.enrol_rate',
            'v.voluntary_on', rng, 'v') }} as voluntary_enrolled
    from voluntary as v
    cross join cfg
),

-- Deferral escalation on date(Y, escalation.date) for experienced participants due for it.
escalation as (
    select
        v.*,
        cal.escalation_date,
        cfg.escalation_enabled
            and not v.is_new_hire
            and v.start_is_enrolled
            and {{ active_on('cal.escalation_date', 'v.hire_date', 'v.termination_date') }}
            and not v.start_escalation_opted_out
            and v.start_deferral_units < cfg.escalation_cap
            and {{ year }} >= v.start_enrollment_year + cfg.escalation_delay_years
            as escalation_due
    from enrolment_outcomes as v
    cross join calendar as cal
    cross join cfg
),

escalation_outcomes as (
    select
        e.*,
        e.escalation_due and {{ happens('e.u_escalation_opt_out', 'cfg.escalation_opt_out_rate', rng) }}
            as escalation_opt_out,
        e.escalation_due
            and not {{ happens('e.u_escalation_opt_out', 'cfg.escalation_opt_out_rate', rng) }}
            as escalates,
        least(e.start_deferral_units + cfg.escalation_increment, cfg.escalation_cap)
            as escalated_units
    from escalation as e
    cross join cfg
)

select
    cast({{ year }} as integer) as simulation_year,
    o.employee_key,
    o.employee_id,
    o.start_is_eligible,
    o.start_is_enrolled,
    cast(o.start_deferral_units as integer) as start_deferral_units,
    cast(o.start_enrollment_year as integer) as start_enrollment_year,
    o.start_escalation_opted_out,
    o.becomes_eligible,
    o.auto_enrolled,
    cast(case when o.auto_enrolled then cfg.auto_default_rate end as integer) as auto_rate_units,
    o.opts_out,
    case when o.opts_out then o.opt_out_on end as opt_out_date,
    o.voluntary_enrolled,
    case when o.voluntary_enrolled then o.voluntary_on end as voluntary_date,
    cast(case when o.voluntary_enrolled then o.chosen_rate end as integer) as voluntary_rate_units,
    o.escalates,
    case when o.escalates then o.escalation_date end as escalation_date,
    cast(case when o.escalates then o.escalated_units end as integer) as escalated_units,
    cast(case when o.escalates then cfg.escalation_cap end as integer) as escalation_cap_units,
    o.start_is_eligible or o.becomes_eligible as is_eligible,
    case
        when o.opts_out then false
        when o.auto_enrolled or o.voluntary_enrolled then true
        else o.start_is_enrolled
    end as is_enrolled,
    cast(case
        when o.opts_out then 0
        when o.auto_enrolled then cfg.auto_default_rate
        when o.voluntary_enrolled then o.chosen_rate
        when o.escalates then o.escalated_units
        else o.start_deferral_units
    end as integer) as deferral_units,
    cast(case
        when o.opts_out then o.start_enrollment_year
        when o.auto_enrolled or o.voluntary_enrolled then {{ year }}
        else o.start_enrollment_year
    end as integer) as enrollment_year,
    o.start_escalation_opted_out or o.escalation_opt_out as escalation_opted_out,
    o.is_active
from escalation_outcomes as o
cross join cfg
