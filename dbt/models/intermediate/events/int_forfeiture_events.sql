{#- Forfeiture events: a leaver's unvested employer money, per source, on its termination date. -#}
select
    {{ event_columns('forfeiture', 'w.termination_date',
        sub_order="case b.source when 'employer_match' then 1 when 'true_up' then 2 else 3 end") }},
    b.source as forfeiture_source,
    b.forfeitures as amount
from {{ ref('int_participant_balances') }} as b
{{ join_year_workforce('b', key='employee_id') }}
where b.forfeitures > 0
