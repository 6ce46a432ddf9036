{#- A pay past the bound of a run (rules, "Bounds") stops the run, naming the year and the
    employee (DuckDB's error()); any other pay passes as it is. `rng`: planalign_rng(). -#}
{% macro bounded_pay(pay, employee_id, year, rng) -%}
    case
        when {{ pay }} > {{ rng.max_pay_cents }}
            then error(
                'year ' || {{ year }} || ': employee ' || {{ employee_id }} || '''s pay reaches $'
                || ({{ pay }} // 100) || ' a year, past the $' || ({{ rng.max_pay_cents }} // 100)
                || ' bound of any pay: compensation (cola_rate, merit, promotions) compounds too '
                || 'fast over the run''s years; lower them or end the run sooner'
            )
        else {{ pay }}
    end
{%- endmacro %}
