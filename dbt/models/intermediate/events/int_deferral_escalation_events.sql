{#- Deferral-escalation events: effective on date(Y, escalation.date). -#}
select
    {{ event_columns('deferral_escalation', 'p.escalation_date', row='p') }},
    {{ rate('p.start_deferral_units') }} as previous_rate,
    {{ rate('p.escalated_units') }} as new_rate,
    {{ rate('p.escalation_cap_units') }} as rate_cap
from {{ ref('int_participation_year_state') }} as p
{{ join_year_workforce('p') }}
where p.escalates
