{#- A value past its bound of a run (rules, "Bounds") stops the run with DuckDB's error(),
    naming the year, the employee, what passed and what to change; any other value passes as
    it is. `rng`: planalign_rng(). -#}
{% macro bounded_pay(pay, employee_id, year, rng) -%}
    case
        when {{ pay }} > {{ rng.max_pay_cents }}
            then {{ past_bound(year, employee_id, "pay", pay, rng.max_pay_cents,
                'compensation (cola_rate, merit, promotions) compounds too fast') }}
        else {{ pay }}
    end
{%- endmacro %}

{% macro bounded_balance(cents, employee_id, source, year, rng) -%}
    case
        when {{ cents }} > {{ rng.max_balance_cents }}
            then {{ past_bound(year, employee_id, "' || " ~ source ~ " || ' balance", cents,
                rng.max_balance_cents, 'investment.return_rate compounds too fast') }}
        else {{ cents }}
    end
{%- endmacro %}

{% macro past_bound(year, employee_id, what, cents, bound, advice) -%}
    error(
        'year ' || {{ year }} || ': employee ' || {{ employee_id }} || '''s {{ what }} reaches $'
        || ({{ cents }} // 100) || ', past the $' || ({{ bound }} // 100) || ' bound: '
        || '{{ advice }} over the run''s years; lower it or end the run sooner'
    )
{%- endmacro %}
