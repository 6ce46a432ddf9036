{#- Dates and integer arithmetic of docs/rules.md ("Conventions"). -#}

{% macro year_start(year) -%}
    make_date({{ year }}, 1, 1)
{%- endmacro %}

{% macro year_end(year) -%}
    make_date({{ year }}, 12, 31)
{%- endmacro %}

{#- D(y): days in year y. -#}
{% macro days_in_year(year) -%}
    (make_date(({{ year }}) + 1, 1, 1) - make_date({{ year }}, 1, 1))
{%- endmacro %}

{#- date(y, "MM-DD") from a month-day stored as 100 * month + day. -#}
{% macro date_in_year(year, month_day) -%}
    make_date({{ year }}, ({{ month_day }}) // 100, ({{ month_day }}) % 100)
{%- endmacro %}

{% macro add_days(date, days) -%}
    (({{ date }}) + cast({{ days }} as integer))
{%- endmacro %}

{#- md(d) = 100 * month(d) + day(d) -#}
{% macro month_day(date) -%}
    (100 * month({{ date }}) + day({{ date }}))
{%- endmacro %}

{#- age(b, d): completed years from b to d (not a count of year boundaries). -#}
{% macro age(birth, on) -%}
    (year({{ on }}) - year({{ birth }})
        - case when {{ month_day(on) }} < {{ month_day(birth) }} then 1 else 0 end)
{%- endmacro %}

{#- anniv(b, A): the first date with age(b, d) >= A. A February 29 gives February 28 + 1 of
    the target year: February 29 in a leap year, March 1 otherwise. -#}
{% macro anniversary(birth, years) -%}
    (make_date(year({{ birth }}) + ({{ years }}), month({{ birth }}),
        day({{ birth }}) - cast(month({{ birth }}) = 2 and day({{ birth }}) = 29 as integer))
     + cast(month({{ birth }}) = 2 and day({{ birth }}) = 29 as integer))
{%- endmacro %}

{#- rhu(a, q): round half up of a / q for a >= 0, q > 0. -#}
{% macro rhu(a, q) -%}
    ((({{ a }}) + ({{ q }}) // 2) // ({{ q }}))
{%- endmacro %}

{% macro clamp(x, lo, hi) -%}
    least(greatest({{ x }}, {{ lo }}), {{ hi }})
{%- endmacro %}

{#- scale(c, r): cents c grown by a rate of r units. -#}
{% macro scale(cents, rate_units, rng) -%}
    {{ rhu('(' ~ cents ~ ') * (' ~ rng.rate_scale ~ ' + (' ~ rate_units ~ '))', rng.rate_scale) }}
{%- endmacro %}

{#- Active on date d in year Y: hired on or before d, and not terminated on or before d. -#}
{% macro active_on(on, hire_date='hire_date', termination_date='termination_date') -%}
    ({{ hire_date }} <= {{ on }} and ({{ termination_date }} is null or {{ on }} < {{ termination_date }}))
{%- endmacro %}

{#- Integer units / cents to the exact output decimals. -#}
{% macro money(cents) -%}
    cast(cast({{ cents }} as decimal(18, 0)) * 0.01 as decimal(18, 2))
{%- endmacro %}

{% macro rate(rate_units) -%}
    cast(cast({{ rate_units }} as decimal(18, 0)) * 0.0001 as decimal(5, 4))
{%- endmacro %}
