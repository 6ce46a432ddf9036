{#- The stream of each decision (docs/rules.md, "Random draws", table "Streams"): the keys of
    the draw function, translated once here; models name the decision, never the number. -#}
{% macro stream(decision) -%}
    {%- set streams = {
        'experienced_termination': 1,
        'experienced_termination_date': 2,
        'termination_reason': 3,
        'new_hire_termination_rank': 4,
        'new_hire_termination_date': 5,
        'hire_date': 10,
        'hire_job_level': 11,
        'hire_age': 12,
        'hire_birth_day': 13,
        'hire_pay': 14,
        'promotion': 20,
        'merit_spread': 21,
        'auto_opt_out': 30,
        'voluntary_enrollment': 31,
        'voluntary_enrollment_date': 32,
        'voluntary_deferral_rate': 33,
        'escalation_opt_out': 40,
    } -%}
    {%- if decision not in streams -%}
        {{ exceptions.raise_compiler_error("unknown draw stream " ~ decision) }}
    {%- endif -%}
    {{ streams[decision] }}
{%- endmacro %}

{#- One draw column per decision, u_<decision>, from the employee-year's hash: the draws of a
    model listed by decision, never spelled out one by one. -#}
{% macro draws(year_hash, decisions, rng) -%}
    {%- for decision in decisions %}
    {{ draw(year_hash, stream(decision), rng) }} as u_{{ decision }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
