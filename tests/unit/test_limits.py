"""IRS limits (rules, "IRS limits"): published values, the projection rule, its flag, and the
configuration checks that name the key. Expected values are worked out by hand below."""

from __future__ import annotations

import pytest

from planalign_core.config import load_config
from planalign_core.errors import ConfigError
from planalign_core.rules.limits import limits_table, year_limits

CONFIG = load_config()


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # The IRS's published figures (dollars): 402(g), catch-up, 60-63, 401(a)(17), 415(c), HCE.
        (2023, (22_500, 7_500, 7_500, 330_000, 66_000, 150_000)),
        (2024, (23_000, 7_500, 7_500, 345_000, 69_000, 155_000)),
        (2025, (23_500, 7_500, 11_250, 350_000, 70_000, 160_000)),
        (2026, (24_500, 8_000, 11_250, 360_000, 72_000, 160_000)),
    ],
)
def test_published_years_are_the_irs_values(year: int, expected: tuple[int, ...]) -> None:
    """A published year is its table row, in cents, not estimated."""
    lim = year_limits(CONFIG, year)
    got = (
        lim.deferral_402g,
        lim.catch_up,
        lim.catch_up_60_63,
        lim.compensation_401a17,
        lim.annual_additions_415c,
        lim.hce_threshold,
    )
    assert got == tuple(100 * v for v in expected)
    assert not lim.estimated


def test_projection_grows_unrounded_and_rounds_down_to_the_increment() -> None:
    """2027 and 2028 at index 2.5%, by hand.

    402(g): V(2026) = 2,450,000; V(2027) = rhu(2,450,000 * 10250, 10000) = 2,511,250 -> down to a
    multiple of 50,000 = 2,500,000 ($25,000). V(2028) = rhu(2,511,250 * 10250, 10000) =
    rhu(25,740,312,500, 10000) = 2,574,031 -> 2,550,000 ($25,500): the unrounded V carries the
    growth, so a small limit still moves.
    catch-up: 800,000 -> 820,000 -> 800,000; 2028: rhu(820,000 * 10250, 10000) = 840,500 -> 800,000.
    401(a)(17): 36,000,000 -> 36,900,000 -> 36,500,000 ($365,000); 2028: 37,822,500 -> 37,500,000.
    415(c): 7,200,000 -> 7,380,000 -> 7,300,000; 2028: 7,564,500 -> 7,500,000.
    HCE: 16,000,000 -> 16,400,000 -> 16,000,000; 2028: 16,810,000 -> 16,500,000.
    """
    y27, y28 = year_limits(CONFIG, 2027), year_limits(CONFIG, 2028)
    assert (y27.deferral_402g, y28.deferral_402g) == (2_500_000, 2_550_000)
    assert (y27.catch_up, y28.catch_up) == (800_000, 800_000)
    assert (y27.compensation_401a17, y28.compensation_401a17) == (36_500_000, 37_500_000)
    assert (y27.annual_additions_415c, y28.annual_additions_415c) == (7_300_000, 7_500_000)
    assert (y27.hce_threshold, y28.hce_threshold) == (16_000_000, 16_500_000)
    assert y27.estimated and y28.estimated


def test_years_before_the_table_use_the_first_row_flagged() -> None:
    lim = year_limits(CONFIG, 2020)
    assert lim.deferral_402g == 2_250_000 and lim.hce_threshold == 15_000_000
    assert lim.estimated


def test_table_has_one_row_per_year_in_order() -> None:
    table = limits_table(CONFIG, range(2024, 2029))
    assert table["year"].to_list() == [2024, 2025, 2026, 2027, 2028]
    assert table["estimated"].to_list() == [False, False, False, True, True]


def test_zero_index_keeps_the_last_published_values() -> None:
    config = load_config(overrides={"limits": {"index_rate": 0}})
    assert year_limits(config, 2040).deferral_402g == 2_450_000


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (
            {
                "limits": {
                    "published": [
                        {
                            "year": 2025,
                            "deferral_402g": 80000,
                            "catch_up": 1,
                            "catch_up_60_63": 1,
                            "compensation_401a17": 1,
                            "annual_additions_415c": 70000,
                            "hce_threshold": 1,
                        }
                    ]
                }
            },
            "limits.published[1]",
        ),
        ({"limits": {"index_rate": -0.01}}, "limits.index_rate"),
        ({"limits": {"catch_up_60_63_min_age": 64}}, "limits"),
        (
            {"match": {"tiers": [{"up_to": 0.05, "rate": 1}, {"up_to": 0.03, "rate": 1}]}},
            "match.tiers",
        ),
        (
            {"vesting": {"graded": [{"years": 3, "percent": 0.5}, {"years": 2, "percent": 1}]}},
            "vesting.graded",
        ),
        (
            {"vesting": {"graded": [{"years": 2, "percent": 0.5}, {"years": 3, "percent": 0.2}]}},
            "vesting.graded",
        ),
        ({"vesting": {"schedule": "sometimes"}}, "vesting.schedule"),
        ({"investment": {"return_rate": -1.5}}, "investment.return_rate"),
        ({"limits": {"increments": {"deferral_402g": 0}}}, "limits.increments.deferral_402g"),
    ],
)
def test_bad_money_settings_name_their_key(overrides: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(overrides=overrides)
    assert f"\n  {key}:" in str(caught.value) or f"\n  {key}." in str(caught.value)


def test_non_consecutive_published_years_are_refused() -> None:
    rows = [
        {
            "year": y,
            "deferral_402g": 1,
            "catch_up": 1,
            "catch_up_60_63": 1,
            "compensation_401a17": 1,
            "annual_additions_415c": 1,
            "hce_threshold": 1,
        }
        for y in (2023, 2025)
    ]
    with pytest.raises(ConfigError, match="consecutive"):
        load_config(overrides={"limits": {"published": rows}})
