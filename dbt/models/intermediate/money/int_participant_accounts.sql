{#- Each employee's money of a year in cents, from int_participant_balances summed per employee:
    the employee sources' beginning balance and return, what the employee held in the year
    (beginning balances plus contributions, every source), and each employer source's beginning,
    contribution, return and forfeiture. What the closing and the Friday snapshot rows
    (int_balance_snapshot_closings, int_balance_snapshot_segments) are computed from (macro
    planalign_snapshot_people). -#}
{%- set employer_sources = planalign_employer_sources() %}

with

balances as (
    select
        simulation_year,
        employee_id,
        source,
        cast(beginning_balance * 100 as bigint) as beginning_cents,
        cast(contributions * 100 as bigint) as contribution_cents,
        cast(investment_return * 100 as bigint) as return_cents,
        cast(forfeitures * 100 as bigint) as forfeiture_cents
    from {{ ref('int_participant_balances') }}
)

select
    simulation_year,
    employee_id,
    coalesce(sum(beginning_cents) filter (where source not in ('{{ employer_sources | join("', '") }}')), 0)
        as employee_beginning,
    coalesce(sum(return_cents) filter (where source not in ('{{ employer_sources | join("', '") }}')), 0)
        as employee_return,
    sum(beginning_cents + contribution_cents) as held_cents
    {%- for source in employer_sources %}
    {%- for amount in ['beginning', 'contribution', 'return', 'forfeiture'] %},
    coalesce(sum({{ amount }}_cents) filter (where source = '{{ source }}'), 0)
        as {{ source }}_{{ amount }}
    {%- endfor %}
    {%- endfor %}
from balances
group by simulation_year, employee_id
