{#- Forfeiture events: a leaver's unvested employer money, per source, on its termination date. -#}
select
    b.simulation_year,
    w.employee_key,
    b.employee_id,
    w.key_hash,
    w.id_hash,
    'forfeiture' as event_type,
    w.termination_date as effective_date,
    case b.source when 'employer_match' then 1 when 'true_up' then 2 else 3 end as sub_order,
    b.source as forfeiture_source,
    b.forfeitures as amount
from {{ ref('int_participant_balances') }} as b
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = b.simulation_year and w.employee_id = b.employee_id
where b.forfeitures > 0
