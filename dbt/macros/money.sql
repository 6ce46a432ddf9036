{#- F(d, p) of rules "Employer match": the sum over tiers t (alias `t`, with `lower_bound`, the
    previous tier's up_to) of rate_t * clamp(10000 * d - lower * p, 0, (up_to - lower) * p),
    for deferral d and pay p in cents; an aggregate (sum over the joined tiers). -#}
{% macro match_formula(deferral, pay, rate_scale) -%}
    sum(cast(t.rate as hugeint) * {{ clamp(rate_scale ~ ' * ' ~ deferral ~ ' - t.lower_bound * ' ~ pay, 0,
        '(t.up_to - t.lower_bound) * ' ~ pay) }})
{%- endmacro %}

{#- The catch-up class of an age at the end of a year (rules, "Contribution and compliance
    events"): '60-63', '50' or null; `cfg` is the configuration row's alias. -#}
{% macro catch_up_class(age, cfg='cfg') -%}
    case
        when {{ age }} between {{ cfg }}.catch_up_60_63_min_age and {{ cfg }}.catch_up_60_63_max_age
            then '60-63'
        when {{ age }} >= {{ cfg }}.catch_up_age then '50'
    end
{%- endmacro %}
