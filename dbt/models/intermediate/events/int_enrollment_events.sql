{#- Enrollment events: auto-enrolment (on the entry date), its opt-out (rates 0) and voluntary
    enrolment. Within a day, an opt-out sorts after the enrolment it undoes (sub_order 2). -#}
{#- (enrollment_source, the participation flag, the date, sub_order, the rate in units) -#}
{%- set enrollments = [
    ('auto', 'auto_enrolled', 'plan_entry_date', 1, 'auto_rate_units'),
    ('opt_out', 'opts_out', 'opt_out_date', 2, '0'),
    ('voluntary', 'voluntary_enrolled', 'voluntary_date', 1, 'voluntary_rate_units'),
] %}
with

participation as (
    select p.*, w.key_hash, w.id_hash, w.plan_entry_date
    from {{ ref('int_participation_year_state') }} as p
    {{ join_year_workforce('p') }}
),

enrollments as (
    {%- for source, flag, date, sub_order, rate_units in enrollments %}
    select
        p.*,
        p.{{ date }} as effective_date,
        {{ sub_order }} as sub_order,
        {{ rate_units }} as rate_units,
        '{{ source }}' as enrollment_source
    from participation as p
    where p.{{ flag }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
)

select
    {{ event_columns('enrollment', 'e.effective_date', row='e', keys='e', sub_order='e.sub_order') }},
    {{ rate('e.rate_units') }} as pre_tax_rate,
    {{ rate(0) }} as roth_rate,
    e.enrollment_source
from enrollments as e
