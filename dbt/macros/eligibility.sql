{#- entry(birth_date, hire_date) by eligibility.rule (rules, "Plan entry date"); `cfg` is the
    alias of the one-row configuration (stg_planalign__config) in the calling query. An unknown
    rule gives null, which the not_null tests report. -#}
{% macro plan_entry_date(birth_date, hire_date, cfg='cfg') -%}
    case {{ cfg }}.eligibility_rule
        when 'immediate' then {{ hire_date }}
        when 'waiting_period' then {{ add_days(hire_date, cfg ~ '.eligibility_waiting_days') }}
        when 'age_and_service' then greatest(
            {{ anniversary(birth_date, cfg ~ '.eligibility_min_age') }},
            {{ add_days(hire_date, cfg ~ '.eligibility_waiting_days') }})
    end
{%- endmacro %}
