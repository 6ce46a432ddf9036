{#- Forfeiture events: a leaver's unvested employer money, per source, on its termination date. -#}
select
    {{ event_columns('forfeiture', 'w.termination_date',
        sub_order="case b.source when 'employer_match' then 1 when 'true_up' then 2 else 3 end") }},
    b.source as forfeiture_source,
    b.forfeitures as amount
from {{ ref('int_participant_balances') }} as b
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = b.simulation_year and w.employee_id = b.employee_id
where b.forfeitures > 0
