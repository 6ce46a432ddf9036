"""Configuration: packaged defaults, overrides by deep merge, errors that name the key."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from planalign_core.config import config_hash, config_json, deep_merge, load_config, units
from planalign_core.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_and_hash_stably() -> None:
    """The packaged defaults validate; the same config always hashes the same."""
    first, second = load_config(), load_config()
    assert first == second
    assert config_hash(first) == config_hash(second)
    assert len(config_hash(first)) == 64


def test_rates_are_exact_decimals_and_units() -> None:
    """TOML floats are read through their text: 0.03 is Decimal('0.03'), 300 units."""
    config = load_config(overrides={"growth_rate": 0.03, "escalation": {"increment": 0.0125}})
    assert config.growth_rate == Decimal("0.03")
    assert units(config.growth_rate) == 300
    assert units(config.escalation.increment) == 125


def test_a_user_file_overrides_one_key_and_keeps_the_rest(tmp_path: Path) -> None:
    """Tables merge key by key: changing escalation.cap leaves escalation.increment alone."""
    path = _write(tmp_path, "[escalation]\ncap = 0.12\n")
    config = load_config(path)
    defaults = load_config()
    assert config.escalation.cap == Decimal("0.12")
    assert config.escalation.increment == defaults.escalation.increment
    assert config.levels == defaults.levels
    assert config_hash(config) != config_hash(defaults)


def test_arrays_replace_rather_than_merge() -> None:
    """An array in the override replaces the default array whole."""
    merged = deep_merge({"a": {"b": [1, 2, 3], "c": 1}}, {"a": {"b": [9]}})
    assert merged == {"a": {"b": [9], "c": 1}}
    bands = [{"min_tenure": 0, "rate": 0.1}]
    config = load_config(overrides={"terminations": {"tenure_bands": bands}})
    assert len(config.terminations.tenure_bands) == 1


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"escalation": {"capp": 0.1}}, "escalation.capp: unknown key"),
        ({"escalation": {"cap": 0.8}}, "escalation.cap: 0.8 exceeds enrollment.max_deferral_rate"),
        ({"growth_rate": 0.00001}, "growth_rate: 0.00001 has more than 4 decimal places"),
        ({"growth_rate": "fast"}, "growth_rate: 'fast' is not a number"),
        ({"compensation": {"merit_date": "02-29"}}, "compensation.merit_date"),
        ({"compensation": {"promotion_date": "06-01"}}, "promotion_date must not fall after"),
        ({"eligibility": {"rule": "whenever"}}, "eligibility.rule"),
        ({"terminations": {"new_hire_rate": 1}}, "terminations.new_hire_rate"),
        ({"escalation": {"delay_years": 0}}, "escalation.delay_years"),
        ({"hiring": {"age_min": 60, "age_max": 30}}, "hiring: age_min exceeds age_max"),
        ({"enrollment": {"auto": {"enabled": "no"}}}, "enrollment.auto.enabled"),
        ({"escalation": {"enabled": 1}}, "escalation.enabled"),
        ({"match": {"true_up": "yes"}}, "match.true_up"),
        (
            {"enrollment": {"voluntary": {"age_bands": [{"min_age": 5, "rate": 0.1}]}}},
            "enrollment.voluntary.age_bands: the first entry's min_age must be 0",
        ),
        (
            {"terminations": {"tenure_bands": [{"min_tenure": 0, "rate": 0.1}] * 2}},
            "min_tenure must increase strictly",
        ),
        (
            {"enrollment": {"voluntary": {"deferral_rates": [{"rate": 0.05, "weight": 0.5}]}}},
            "deferral_rates: the weights must sum to exactly 1",
        ),
        # past Decimal's 28 digits quantize raised InvalidOperation: a traceback, no key
        ({"growth_rate": 1e300}, "growth_rate: 1E+300 is far too large for a rate"),
        ({"growth_rate": 10**40}, "growth_rate: 1" + "0" * 40 + " is far too large for a rate"),
        ({"growth_rate": "1e999999999"}, "growth_rate: 1E+999999999 is far too large"),
        ({"growth_rate": 10**11}, "growth_rate: Input should be less than or equal to 10"),
        # rules, "Bounds": every whole-dollar amount under $100 million
        ({"limits": {"increments": {"catch_up": 10**8}}}, "catch_up: Input should be less than"),
        ({"plan_design_id": "p" * 129}, "plan_design_id: String should have at most 128"),
    ],
)
def test_bad_values_are_named_by_key(overrides: dict[str, object], key: str) -> None:
    """Each error message names the offending key path."""
    with pytest.raises(ConfigError) as error:
        load_config(overrides=overrides)
    assert key in str(error.value)


def test_a_bad_level_is_named_with_its_position() -> None:
    """Array entries are counted from 1: the third level's pay_min is levels[3].pay_min."""
    levels = load_config().model_dump(mode="json")["levels"]
    levels[2]["pay_min"] = -5
    with pytest.raises(ConfigError, match=r"levels\[3\]\.pay_min"):
        load_config(overrides={"levels": levels})


def test_a_pay_band_past_the_bound_is_named() -> None:
    """Rules, "Bounds": $99,999,999 is a level's largest pay; a dollar more is refused (a
    trillion-dollar band ran, and overflowed 64-bit cents within years)."""
    levels = load_config().model_dump(mode="json")["levels"]
    levels[-1]["pay_max"] = 99_999_999
    assert load_config(overrides={"levels": levels}).levels[-1].pay_max == 99_999_999
    levels[-1]["pay_max"] = 100_000_000
    with pytest.raises(ConfigError, match=r"levels\[5\]\.pay_max: Input should be less than"):
        load_config(overrides={"levels": levels})


def test_level_weights_must_sum_to_one() -> None:
    levels = load_config().model_dump(mode="json")["levels"]
    levels[0]["hire_weight"] = "0.51"
    with pytest.raises(ConfigError, match=r"levels\[\*\]\.hire_weight: must sum to exactly 1"):
        load_config(overrides={"levels": levels})


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    """A missing file and a TOML syntax error both name the file."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="not found"):
        load_config(missing)
    broken = _write(tmp_path, "[escalation\ncap = 1\n")
    with pytest.raises(ConfigError, match=r"overrides\.toml: not valid TOML"):
        load_config(broken)


def test_a_folder_or_a_non_utf8_file_is_named(tmp_path: Path) -> None:
    """Neither a folder nor Latin-1 text is a traceback: both name the path."""
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes("growth_rate = 0.03 # café\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.toml: not UTF-8 text \(byte 0xe9"):
        load_config(latin)


def test_a_byte_order_mark_is_skipped_and_deep_nesting_named(tmp_path: Path) -> None:
    """A UTF-8 file that starts with a byte-order mark is read past it (Windows editors write
    one); nesting past tomllib's recursion is an error naming the file, not a traceback."""
    marked = tmp_path / "marked.toml"
    marked.write_bytes(b"\xef\xbb\xbfgrowth_rate = 0.05\n")
    assert load_config(marked).growth_rate == Decimal("0.05")
    deep = _write(tmp_path, "a = " + "[" * 5_000 + "]" * 5_000 + "\n")
    with pytest.raises(ConfigError, match=r"overrides\.toml: not valid TOML: nested too deeply"):
        load_config(deep)


@pytest.mark.parametrize("written", ["0.030", "3E-2", 0.03, "0.0300", " 0.03 "])
def test_one_value_has_one_text_and_one_hash(written: object) -> None:
    """rules, "config hash": a decimal's text is its shortest plain form, whatever was written."""
    config = load_config(overrides={"growth_rate": written})
    assert '"growth_rate":"0.03"' in config_json(config)
    assert config_hash(config) == config_hash(load_config(overrides={"growth_rate": "0.03"}))


def test_the_hashed_json_form() -> None:
    """Sorted keys, no spaces, non-ASCII text as itself, JSON escapes, whole numbers plain."""
    text = config_json(load_config(overrides={"plan_design_id": 'café "A"', "growth_rate": "-0"}))
    assert '"plan_design_id":"café \\"A\\""' in text
    assert '"growth_rate":"0"' in text
    assert ", " not in text and ": " not in text
    keys = [k for k in json.loads(text)]
    assert keys == sorted(keys)
    assert (
        config_hash(load_config())
        == hashlib.sha256(config_json(load_config()).encode()).hexdigest()
    )
