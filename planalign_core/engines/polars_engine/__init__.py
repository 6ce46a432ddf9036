"""The Polars engine: ``docs/rules.md`` translated into Polars expressions.

:func:`run_years` turns a normalised census into, year after year, the events, the workforce
snapshot and the deferral-rate accumulator rows. Storage is the caller's business
(``planalign_core.simulate``); DuckDB only stores what this engine computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from time import perf_counter

import polars as pl

from planalign_core.config import Config
from planalign_core.engines.polars_engine.accumulator import accumulate, baseline_rows
from planalign_core.engines.polars_engine.baseline import baseline, baseline_table, initial_state
from planalign_core.engines.polars_engine.params import RunKeys
from planalign_core.engines.polars_engine.year import YearResult, simulate_year


@dataclass(frozen=True)
class EngineYear:
    """One year's outputs: the year step's result and its accumulator rows."""

    result: YearResult
    accumulator: pl.DataFrame
    seconds: float
    accumulator_seconds: float


@dataclass(frozen=True)
class EngineRun:
    """A prepared run: the baseline table, then the years on demand."""

    baseline: pl.DataFrame
    years: Iterator[EngineYear]


def run_years(census: pl.DataFrame, config: Config, keys: RunKeys) -> EngineRun:
    """The baseline now, and a lazy iterator over the simulated years."""
    frame = baseline(census, config, keys.start_year)
    table = baseline_table(frame, keys)
    return EngineRun(table, _years(initial_state(frame, keys), table, config, keys))


def _years(
    state: pl.DataFrame, table: pl.DataFrame, config: Config, keys: RunKeys
) -> Iterator[EngineYear]:
    rows = baseline_rows(table)
    for year in range(keys.start_year, keys.last_year + 1):
        started = perf_counter()
        result = simulate_year(state, config, keys, year)
        stepped = perf_counter()
        rows = accumulate(
            rows,
            result.events,
            year=year,
            last_year=keys.last_year,
            scenario_id=keys.scenario_id,
            plan_design_id=keys.plan_design_id,
        )
        done = perf_counter()
        yield EngineYear(result, rows, done - started, done - stepped)
        state = result.state


__all__ = ["EngineRun", "EngineYear", "RunKeys", "run_years"]
