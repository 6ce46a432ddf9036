{#- Eligibility events: effective on the plan entry date. -#}
select
    p.simulation_year,
    p.employee_key,
    p.employee_id,
    w.key_hash,
    w.id_hash,
    'eligibility' as event_type,
    w.plan_entry_date as effective_date,
    1 as sub_order,
    cfg.eligibility_rule,
    w.plan_entry_date
from {{ ref('int_participation_year_state') }} as p
inner join {{ ref('int_workforce_year_state') }} as w
    on w.simulation_year = p.simulation_year and w.employee_key = p.employee_key
cross join {{ ref('stg_planalign__config') }} as cfg
where p.becomes_eligible
