"""Hypothesis strategies for the money properties: the part-1 corners of ``sim_strategies``
plus money settings that make every limit bite (small 402(g), 401(a)(17) and 415(c) values,
catch-up ages, vesting schedules, tiers with and without true-up, non-elective money, negative
and positive returns), and the tables of a run gathered per year."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl
from hypothesis import strategies as st

from planalign_core.config import deep_merge
from tests.property.sim_strategies import START_YEARS, Scenario, SimRun, config_overrides, simulate

LIMIT_ROWS = [
    # A tight table (small limits so that caps and cuts happen in small populations) ...
    {
        "deferral_402g": 3000,
        "catch_up": 1000,
        "catch_up_60_63": 1500,
        "compensation_401a17": 90000,
        "annual_additions_415c": 4000,
        "hce_threshold": 80000,
    },
    # ... and the IRS's own scale.
    {
        "deferral_402g": 23500,
        "catch_up": 7500,
        "catch_up_60_63": 11250,
        "compensation_401a17": 350000,
        "annual_additions_415c": 70000,
        "hce_threshold": 160000,
    },
]


@st.composite
def money_overrides(draw: st.DrawFn) -> dict[str, Any]:
    row = draw(st.sampled_from(LIMIT_ROWS))
    first = draw(st.sampled_from([2022, 2024]))
    published = [{"year": first + i, **row} for i in range(draw(st.integers(1, 3)))]
    tiers = draw(
        st.sampled_from(
            [
                [],
                [{"up_to": 0.03, "rate": 1.0}, {"up_to": 0.05, "rate": 0.5}],
                [{"up_to": 0.06, "rate": 0.5}],
                [{"up_to": 0.02, "rate": 0.25}, {"up_to": 0.04, "rate": 1.5}],  # rising rates
            ]
        )
    )
    return {
        "limits": {
            "published": published,
            "index_rate": draw(st.sampled_from([0, 0.025, 0.1])),
            "catch_up_age": draw(st.sampled_from([30, 50])),
        },
        "match": {"tiers": tiers, "true_up": draw(st.booleans())},
        "non_elective": {"rate": draw(st.sampled_from([0, 0.03, 0.5]))},
        "vesting": {
            "schedule": draw(st.sampled_from(["immediate", "cliff", "graded"])),
            "cliff_years": draw(st.integers(0, 4)),
        },
        "investment": {"return_rate": draw(st.sampled_from([-0.3, 0, 0.05]))},
        "enrollment": {"max_deferral_rate": 0.75},
    }


@st.composite
def money_scenarios(
    draw: st.DrawFn, min_employees: int = 20, max_employees: int = 150, max_years: int = 3
) -> Scenario:
    overrides = deep_merge(draw(config_overrides()), draw(money_overrides()))
    return Scenario(
        employees=draw(st.integers(min_employees, max_employees)),
        years=draw(st.integers(1, max_years)),
        start_year=draw(st.sampled_from(START_YEARS)),
        seed=draw(st.integers(0, 2**64 - 1)),
        overrides_json=json.dumps(overrides, sort_keys=True),
    )


@dataclass(frozen=True)
class MoneyRun:
    """A run's money tables, all years together."""

    run: SimRun

    def _stack(self, name: str) -> pl.DataFrame:
        frames = [getattr(y.result.money, name) for y in self.run.years]
        return pl.concat(frames, how="vertical")

    @property
    def contributions(self) -> pl.DataFrame:
        return self._stack("contributions")

    @property
    def balances(self) -> pl.DataFrame:
        return self._stack("balances")

    @property
    def weekly(self) -> pl.DataFrame:
        return pl.concat([y.weekly for y in self.run.years if y.weekly is not None])

    @property
    def events(self) -> pl.DataFrame:
        return self.run.events


@lru_cache(maxsize=16)
def money_run(scenario: Scenario) -> MoneyRun:
    return MoneyRun(simulate(scenario))
