{#- The join condition that picks a weighted choice (rules, "Using a draw"): the interval
    `choice` of int_choice_intervals whose [cum_lo, cum_hi) holds bounded(u, 10000). -#}
{% macro chosen_by(u, rng, choice='choice') -%}
    {{ bounded(u, rng.rate_scale, rng) }} >= {{ choice }}.cum_lo
        and {{ bounded(u, rng.rate_scale, rng) }} < {{ choice }}.cum_hi
{%- endmacro %}
