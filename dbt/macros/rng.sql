{#- The random draws of docs/rules.md ("Random draws"), translated to DuckDB SQL.

    Every value is a UBIGINT below 2**32 and every product stays below 2**64, so nothing
    overflows and the bits equal planalign_core/rng.py's. The constants (multipliers, mask,
    2**32, the rate scale) are read from the package's `rng_constants` table when a model is
    compiled, or taken from the var `planalign_rng` (the same row, which `planalign simulate`
    passes): call `planalign_rng()` once at the top of a model and pass the result on.

    mix32 reads its argument eight times: give it a column or a short expression, and keep
    chained hashes in separate query layers (a column per layer), never nested. -#}

{% macro planalign_input_relation(name) -%}
    {{ adapter.quote(var('planalign_input_schema')) }}.{{ adapter.quote(name) }}
{%- endmacro %}

{% macro planalign_rng() %}
    {%- if not execute -%}
        {#- parsing renders without a database: placeholders, never run -#}
        {{ return({'mask32': 1, 'mix_multiplier_1': 1, 'mix_multiplier_2': 1, 'two_pow_32': 1,
                   'rate_scale': 1, 'uuid_version_mask': 1, 'uuid_version_bits': 1,
                   'uuid_variant_bits': 1, 'new_hire_key_base': 1, 'max_pay_cents': 1,
                   'max_balance_cents': 1}) }}
    {%- endif -%}
    {%- set given = var('planalign_rng', none) -%}
    {%- if given is not none -%}
        {#- `planalign simulate` passes the same row in --vars: no query a model -#}
        {{ return(given) }}
    {%- endif -%}
    {%- set table = run_query('select * from ' ~ planalign_input_relation('rng_constants')) -%}
    {%- if table.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "planalign_inputs.rng_constants must hold exactly one row: write the inputs first "
            ~ "(planalign dbt-inputs, see README)") }}
    {%- endif -%}
    {%- set constants = {} -%}
    {%- for name in table.column_names -%}
        {%- do constants.update({name: table.rows[0][name] | int}) -%}
    {%- endfor -%}
    {{ return(constants) }}
{% endmacro %}

{% macro u64(value) -%}
    cast({{ value }} as ubigint)
{%- endmacro %}

{% macro mix32(x, rng) -%}
    {%- set mask = u64(rng.mask32) -%}
    {%- set s1 = 'xor((' ~ x ~ '), (' ~ x ~ ') >> 16)' -%}
    {%- set s2 = '((' ~ s1 ~ ') * ' ~ u64(rng.mix_multiplier_1) ~ ' & ' ~ mask ~ ')' -%}
    {%- set s3 = 'xor(' ~ s2 ~ ', ' ~ s2 ~ ' >> 15)' -%}
    {%- set s4 = '((' ~ s3 ~ ') * ' ~ u64(rng.mix_multiplier_2) ~ ' & ' ~ mask ~ ')' -%}
    xor({{ s4 }}, {{ s4 }} >> 16)
{%- endmacro %}

{#- One fold step of hash_words: h' = mix32(h xor (w & 0xFFFFFFFF)). -#}
{% macro hash_word(h, w, rng) -%}
    {{ mix32('xor(' ~ h ~ ', ' ~ u64(w) ~ ' & ' ~ u64(rng.mask32) ~ ')', rng) }}
{%- endmacro %}

{#- draw(seed, scenario_key, employee_key, year, stream) from the employee-year hash. -#}
{% macro draw(year_hash, stream, rng) -%}
    {{ hash_word(year_hash, stream, rng) }}
{%- endmacro %}

{% macro threshold(rate_units, rng) -%}
    ({{ u64(rate_units) }} * {{ u64(rng.two_pow_32) }} // {{ u64(rng.rate_scale) }})
{%- endmacro %}

{#- "Event with probability p units": u < threshold(p). -#}
{% macro happens(u, rate_units, rng) -%}
    ({{ u }} < {{ threshold(rate_units, rng) }})
{%- endmacro %}

{#- A decision open to the employee of `row` (`open`) that its draw `u` takes (probability
    `rate_units`) and that finds the employee active on its day `on`. -#}
{% macro happens_on(open, u, rate_units, on, rng, row) -%}
    {{ open }}
            and {{ happens(u, rate_units, rng) }}
            and {{ active_on(on, row ~ '.hire_date', row ~ '.termination_date') }}
{%- endmacro %}

{#- A uniform integer in [0, n) from a draw: u * n div 2**32 (1 <= n <= 2**32). -#}
{% macro bounded(u, n, rng) -%}
    cast(({{ u }}) * {{ u64(n) }} // {{ u64(rng.two_pow_32) }} as bigint)
{%- endmacro %}

{#- `relation`'s employees with the hashes their draws and event ids start from: key_hash and
    id_hash fold the run's two heads with employee_key's two words (lo, then hi), year_hash
    folds key_hash with the year. A subquery for a from clause, each fold in its own query layer
    (mix32 above): nested in one expression, the two folds of a key made 64 copies of it, and
    DuckDB spent 0.27 s planning int_workforce_year_state for 0.02 s of execution at 5k. -#}
{% macro planalign_hashed(relation, year, rng) -%}
    {%- set key = u64('employee.employee_key') -%}
    (
        select keyed.*, {{ hash_word('keyed.key_hash', year, rng) }} as year_hash
        from (
            select
                employee.* exclude (key_lo_hash, id_lo_hash),
                {{ hash_word('employee.key_lo_hash', key ~ ' >> 32', rng) }} as key_hash,
                {{ hash_word('employee.id_lo_hash', key ~ ' >> 32', rng) }} as id_hash
            from (
                select
                    employee.*,
                    {{ hash_word('run.run_hash', key, rng) }} as key_lo_hash,
                    {{ hash_word('run.id_run_hash', key, rng) }} as id_lo_hash
                from {{ relation }} as employee
                cross join {{ ref('int_run') }} as run
            ) as employee
        ) as keyed
    )
{%- endmacro %}
