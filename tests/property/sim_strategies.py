"""Hypothesis strategies and a runner for simulation properties.

Populations stay small (20-300 employees, 1-4 years) so each example runs in well under a
second; the configurations drawn move the rules' corners on purpose (negative and zero growth,
no new-hire attrition or nearly all of it, auto-enrolment off, opt-out certain, escalation off,
every eligibility rule, late merit dates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl
from hypothesis import settings
from hypothesis import strategies as st

from planalign_core.census import synthesize_census
from planalign_core.config import Config, load_config
from planalign_core.engines.polars_engine import EngineYear, RunKeys, run_years

# A property that runs the engine pays 0.1-0.5 s an example; 22 of them at the ``ci`` profile's
# 150 examples cost CI ~15 minutes. They share one scenario strategy, so together they still
# see hundreds of drawn configurations: each takes a third of the profile (ci 50, dev 10).
ENGINE_EXAMPLES = settings(max_examples=max(10, settings.default.max_examples // 3))

START_YEARS = (2023, 2024, 2025, 2028)  # leap years and not
# The workforce and participation events (type codes 1-7); money events (8-12) are numbered
# after them (docs/rules.md, "Money event order") and checked by their own tests.
PART_ONE_TYPES = (
    "hire",
    "termination",
    "promotion",
    "merit",
    "eligibility",
    "enrollment",
    "deferral_escalation",
)


@st.composite
def config_overrides(draw: st.DrawFn) -> dict[str, Any]:
    """A valid set of overrides of the packaged defaults."""
    return {
        "growth_rate": draw(st.sampled_from([-0.2, -0.05, 0, 0.03, 0.1, 0.5])),
        "terminations": {
            "new_hire_rate": draw(st.sampled_from([0, 0.25, 0.9])),
            "retirement_age": draw(st.sampled_from([55, 65])),
        },
        "compensation": {
            "merit_date": draw(st.sampled_from(["01-01", "04-01", "12-31"])),
            "merit_spread": draw(st.sampled_from([0, 0.01])),
        },
        "eligibility": {
            "rule": draw(st.sampled_from(["immediate", "waiting_period", "age_and_service"])),
            "min_age": draw(st.integers(18, 25)),
            "waiting_days": draw(st.sampled_from([0, 30, 90, 365])),
        },
        "enrollment": {
            "auto": {
                "enabled": draw(st.booleans()),
                "opt_out_rate": draw(st.sampled_from([0, 0.1, 1])),
                "opt_out_window_days": draw(st.sampled_from([0, 60, 366])),
            }
        },
        "escalation": {
            "enabled": draw(st.booleans()),
            "increment": draw(st.sampled_from([0.01, 0.02])),
            "cap": draw(st.sampled_from([0.06, 0.1, 0.15])),
            "delay_years": draw(st.integers(1, 3)),
            "date": draw(st.sampled_from(["01-01", "07-01"])),
            "opt_out_rate": draw(st.sampled_from([0, 0.05, 1])),
        },
    }


@dataclass(frozen=True)
class Scenario:
    """One simulation's inputs, hashable for caching."""

    employees: int
    years: int
    start_year: int
    seed: int
    overrides_json: str = "{}"
    scenario_id: str = "prop"

    @property
    def config(self) -> Config:
        return _config(self.overrides_json)

    @property
    def keys(self) -> RunKeys:
        config = self.config
        return RunKeys(
            self.seed, self.scenario_id, config.plan_design_id, self.start_year, self.years
        )


@st.composite
def scenarios(
    draw: st.DrawFn,
    min_employees: int = 20,
    max_employees: int = 300,
    max_years: int = 4,
    vary_config: bool = True,
) -> Scenario:
    overrides = draw(config_overrides()) if vary_config else {}
    return Scenario(
        employees=draw(st.integers(min_employees, max_employees)),
        years=draw(st.integers(1, max_years)),
        start_year=draw(st.sampled_from(START_YEARS)),
        seed=draw(st.one_of(st.integers(0, 2**32), st.integers(0, 2**64 - 1))),
        overrides_json=json.dumps(overrides, sort_keys=True),
    )


@lru_cache(maxsize=64)
def _config(overrides_json: str) -> Config:
    return load_config(overrides=json.loads(overrides_json))


@dataclass(frozen=True)
class SimRun:
    """A finished in-memory run: the census, the baseline table and every year."""

    scenario: Scenario
    census: pl.DataFrame
    baseline: pl.DataFrame
    years: tuple[EngineYear, ...]

    @property
    def events(self) -> pl.DataFrame:
        return pl.concat([y.result.events for y in self.years])

    @property
    def snapshots(self) -> pl.DataFrame:
        return pl.concat([y.result.snapshot for y in self.years])

    @property
    def accumulator(self) -> pl.DataFrame:
        return pl.concat([y.accumulator for y in self.years])


def simulate(scenario: Scenario, census: pl.DataFrame | None = None) -> SimRun:
    """Run the Polars engine on ``scenario`` (its synthetic census unless one is given)."""
    config = scenario.config
    if census is None:
        census = synthesize_census(scenario.employees, scenario.seed, scenario.start_year, config)
    engine = run_years(census, config, scenario.keys)
    return SimRun(scenario, census, engine.baseline, tuple(engine.years))


@lru_cache(maxsize=32)
def simulate_cached(scenario: Scenario) -> SimRun:
    """:func:`simulate`, remembered: several properties examine the same runs."""
    return simulate(scenario)
