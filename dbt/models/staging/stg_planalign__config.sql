{#- One row: the scalar keys of the configuration, renamed (key path -> column) and typed.
    Rates are basis units (1/10000), month-days 100 * month + day. -#}
{%- set integer_keys = {
    'growth_rate': 'growth_rate',
    'hiring.age_min': 'hiring_age_min',
    'hiring.age_max': 'hiring_age_max',
    'terminations.new_hire_rate': 'new_hire_termination_rate',
    'terminations.involuntary_share': 'involuntary_share',
    'terminations.retirement_age': 'retirement_age',
    'terminations.retirement_rate': 'retirement_rate',
    'compensation.cola_rate': 'cola_rate',
    'compensation.merit_spread': 'merit_spread',
    'compensation.promotion_raise': 'promotion_raise',
    'compensation.promotion_date': 'promotion_month_day',
    'compensation.merit_date': 'merit_month_day',
    'eligibility.min_age': 'eligibility_min_age',
    'eligibility.waiting_days': 'eligibility_waiting_days',
    'enrollment.max_deferral_rate': 'max_deferral_rate',
    'enrollment.auto.default_rate': 'auto_default_rate',
    'enrollment.auto.opt_out_rate': 'auto_opt_out_rate',
    'enrollment.auto.opt_out_window_days': 'auto_opt_out_window_days',
    'escalation.increment': 'escalation_increment',
    'escalation.cap': 'escalation_cap',
    'escalation.delay_years': 'escalation_delay_years',
    'escalation.date': 'escalation_month_day',
    'escalation.opt_out_rate': 'escalation_opt_out_rate',
    'limits.index_rate': 'limits_index_rate',
    'limits.catch_up_age': 'catch_up_age',
    'limits.catch_up_60_63_min_age': 'catch_up_60_63_min_age',
    'limits.catch_up_60_63_max_age': 'catch_up_60_63_max_age',
    'limits.increments.deferral_402g': 'increment_deferral_402g',
    'limits.increments.catch_up': 'increment_catch_up',
    'limits.increments.catch_up_60_63': 'increment_catch_up_60_63',
    'limits.increments.compensation_401a17': 'increment_compensation_401a17',
    'limits.increments.annual_additions_415c': 'increment_annual_additions_415c',
    'limits.increments.hce_threshold': 'increment_hce_threshold',
    'non_elective.rate': 'non_elective_rate',
    'vesting.cliff_years': 'vesting_cliff_years',
    'investment.return_rate': 'investment_return_rate',
} -%}
{%- set boolean_keys = {
    'enrollment.auto.enabled': 'auto_enabled',
    'escalation.enabled': 'escalation_enabled',
    'match.true_up': 'match_true_up',
} -%}
{%- set text_keys = {
    'plan_design_id': 'plan_design_id',
    'eligibility.rule': 'eligibility_rule',
    'vesting.schedule': 'vesting_schedule',
} -%}
select
{%- for key, name in integer_keys.items() %}
    cast(max(int_value) filter (where key = '{{ key }}') as bigint) as {{ name }},
{%- endfor %}
{%- for key, name in boolean_keys.items() %}
    cast(max(int_value) filter (where key = '{{ key }}') as boolean) as {{ name }},
{%- endfor %}
{%- for key, name in text_keys.items() %}
    cast(max(text_value) filter (where key = '{{ key }}') as varchar) as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
from {{ source('planalign', 'config_scalars') }}
