{#- Vesting events: on the service anniversary in the year's employed days [s, x) when the
    vested percentage changes there (every employee, participant or not). -#}
with

anniversaries as (
    select
        w.*,
        w.simulation_year - year(w.hire_date) as years_of_service,
        {{ anniversary('w.hire_date', 'w.simulation_year - year(w.hire_date)') }} as anniversary_date,
        greatest(make_date(w.simulation_year, 1, 1), w.hire_date) as employed_from,
        coalesce(w.termination_date, make_date(w.simulation_year, 12, 31) + 1) as employed_until
    from {{ ref('int_workforce_year_state') }} as w
    where w.simulation_year - year(w.hire_date) >= 1
)

select
    {{ event_columns('vesting', 'a.anniversary_date', row='a', keys='a') }},
    cfg.vesting_schedule,
    cast(a.years_of_service as smallint) as years_of_service,
    {{ rate('before.vested_units') }} as previous_vested_percentage,
    {{ rate('after.vested_units') }} as vested_percentage
from anniversaries as a
cross join {{ ref('stg_planalign__config') }} as cfg
inner join {{ ref('int_vesting_percentages') }} as after
    on after.years_of_service = a.years_of_service
inner join {{ ref('int_vesting_percentages') }} as before
    on before.years_of_service = a.years_of_service - 1
where a.anniversary_date >= a.employed_from
  and a.anniversary_date < a.employed_until
  and after.vested_units != before.vested_units
