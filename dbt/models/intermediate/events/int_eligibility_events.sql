{#- Eligibility events: effective on the plan entry date. -#}
select
    {{ event_columns('eligibility', 'w.plan_entry_date', row='p') }},
    cfg.eligibility_rule,
    w.plan_entry_date
from {{ ref('int_participation_year_state') }} as p
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = p.simulation_year and w.employee_key = p.employee_key
cross join {{ ref('stg_planalign__config') }} as cfg
where p.becomes_eligible
