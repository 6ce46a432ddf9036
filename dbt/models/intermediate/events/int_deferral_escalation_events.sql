{#- Deferral-escalation events: effective on date(Y, escalation.date). -#}
select
    {{ event_columns('deferral_escalation', 'p.escalation_date', row='p') }},
    {{ rate('p.start_deferral_units') }} as previous_rate,
    {{ rate('p.escalated_units') }} as new_rate,
    {{ rate('p.escalation_cap_units') }} as rate_cap
from {{ ref('int_participation_year_state') }} as p
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = p.simulation_year and w.employee_key = p.employee_key
where p.escalates
