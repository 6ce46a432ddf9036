{#- Eligibility events: effective on the plan entry date. -#}
select
    {{ event_columns('eligibility', 'w.plan_entry_date', row='p') }},
    cfg.eligibility_rule,
    w.plan_entry_date
from {{ ref('int_participation_year_state') }} as p
{{ join_year_workforce('p') }}
cross join {{ ref('stg_planalign__config') }} as cfg
where p.becomes_eligible
