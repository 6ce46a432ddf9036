{#- event_id (rules, "Event identity"): a version-8 UUID from four 32-bit words,
    w0 = hash_words(seed_lo, seed_hi, scenario_key, key_lo, key_hi, 1),
    w1 = hash_words(2, seed_lo, seed_hi, scenario_key, key_lo, key_hi) with the version nibble
         set to 8 (its own chain, as planalign_core/events/identity.py computes it),
    w2 = variant bits | simulation_year << 8 | type code, w3 = event_sequence,
    written as 32 lower-case hex digits with hyphens after digits 8, 12, 16 and 20.
    `key_hash` is hash_words(seed_lo, seed_hi, scenario_key, key_lo, key_hi) and `id_hash`
    hash_words(2, seed_lo, seed_hi, scenario_key, key_lo, key_hi).
    event_id_hex gives the 32 digits (put it in a column), uuid_text adds the hyphens. -#}
{% macro event_id_hex(key_hash, id_hash, simulation_year, type_code, event_sequence, rng) -%}
    {%- set w0 = hash_word(key_hash, 1, rng) -%}
    {%- set w1 = '(' ~ id_hash ~ ' & ' ~ u64(rng.uuid_version_mask) ~ ' | '
        ~ u64(rng.uuid_version_bits) ~ ')' -%}
    {%- set w2 = '(' ~ u64(rng.uuid_variant_bits) ~ ' | (' ~ u64(simulation_year) ~ ' << 8) | '
        ~ u64(type_code) ~ ')' -%}
    printf('%08x%08x%08x%08x', {{ w0 }}, {{ w1 }}, {{ w2 }}, {{ u64(event_sequence) }})
{%- endmacro %}

{% macro uuid_text(hex) -%}
    substr({{ hex }}, 1, 8) || '-' || substr({{ hex }}, 9, 4) || '-' || substr({{ hex }}, 13, 4)
        || '-' || substr({{ hex }}, 17, 4) || '-' || substr({{ hex }}, 21, 12)
{%- endmacro %}
