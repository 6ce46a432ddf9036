{#- Enrollment events: auto-enrolment (on the entry date), its opt-out (rates 0) and voluntary
    enrolment. Within a day, an opt-out sorts after the enrolment it undoes (sub_order 2). -#}
with

participation as (
    select p.*, w.key_hash, w.id_hash, w.plan_entry_date
    from {{ ref('int_participation_year_state') }} as p
    inner join {{ ref('int_workforce_year_state') }} as w
        on w.simulation_year = p.simulation_year and w.employee_key = p.employee_key
),

enrollments as (
    select
        simulation_year, employee_key, employee_id, key_hash, id_hash,
        plan_entry_date as effective_date, 1 as sub_order,
        auto_rate_units as rate_units, 'auto' as enrollment_source
    from participation
    where auto_enrolled

    union all

    select
        simulation_year, employee_key, employee_id, key_hash, id_hash,
        opt_out_date as effective_date, 2 as sub_order,
        0 as rate_units, 'opt_out' as enrollment_source
    from participation
    where opts_out

    union all

    select
        simulation_year, employee_key, employee_id, key_hash, id_hash,
        voluntary_date as effective_date, 1 as sub_order,
        voluntary_rate_units as rate_units, 'voluntary' as enrollment_source
    from participation
    where voluntary_enrolled
)

select
    simulation_year,
    employee_key,
    employee_id,
    key_hash,
    id_hash,
    'enrollment' as event_type,
    effective_date,
    sub_order,
    {{ rate('rate_units') }} as pre_tax_rate,
    {{ rate(0) }} as roth_rate,
    enrollment_source
from enrollments
