"""The run's size checked before it starts (``run_inputs.check_growth``, rules "Hires"): a growth
whose hires must overflow the new-hire keys is refused at once, not after hours of earlier
years. The figures are worked by hand from the rules' integer formulas."""

from __future__ import annotations

import pytest

from planalign_core.config import load_config
from planalign_core.engines.contract import RunKeys
from planalign_core.errors import ConfigError
from planalign_core.rules.headcount import hire_counts
from planalign_core.run_inputs import check_growth

# growth_rate 10: 1,000 -> 11,000 -> 121,000 -> 1,331,000 -> 14,641,000 active by 2029, when
# the fewest hires are 146,410,000 / 0.75 (new_hire_rate 0.25), rounded up: 195,213,334.
TENFOLD = load_config(overrides={"growth_rate": 10})


def _keys(years: int) -> RunKeys:
    return RunKeys(42, "default", "standard", 2025, years)


def test_growth_whose_hires_overflow_the_keys_is_refused_before_the_run() -> None:
    with pytest.raises(ConfigError) as error:
        check_growth(1_000, TENFOLD, _keys(10))
    message = str(error.value)
    assert "growth_rate 10 (packaged defaults)" in message
    assert "grow to 14,641,000 by 2029" in message
    assert "195,213,334 hires or more exceed the 99,999,999 new-hire keys" in message


def test_the_same_growth_over_fewer_years_runs() -> None:
    check_growth(1_000, TENFOLD, _keys(4))  # 2028: 13,310,000 / 0.75 -> 17,746,667 hires


def test_the_fewest_hires_are_those_with_no_termination() -> None:
    """Terminations only add hires: the check's bound is the real run's floor."""
    config = load_config()
    fewest, _ = hire_counts(5_000, 0, config)
    assert all(hire_counts(5_000, t, config)[0] >= fewest for t in range(0, 1_000, 37))
    # growth_rate 0.03: target 5,150, so 150 needed and ceil(150 / 0.75) = 200 hired
    assert hire_counts(5_000, 0, config) == (200, 50)
