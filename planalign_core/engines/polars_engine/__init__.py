"""The Polars engine: ``docs/rules.md`` translated into Polars expressions.

:func:`run_years` turns a normalised census into, year after year, the events, the workforce
snapshot and the deferral-rate accumulator rows. Storage is the caller's business
(``planalign_core.simulate``); DuckDB only stores what this engine computes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from time import perf_counter
from typing import Any, ParamSpec

import polars as pl

from planalign_core.config import Config
from planalign_core.engines.contract import (
    EarlyRows,
    RunKeys,
    RunOutput,
    Stage,
    WeeklyTables,
    YearOutput,
)
from planalign_core.engines.polars_engine.accumulator import accumulate, baseline_rows
from planalign_core.engines.polars_engine.baseline import baseline, baseline_table, initial_state
from planalign_core.engines.polars_engine.money import initial_state as initial_money_state
from planalign_core.engines.polars_engine.money.weekly import expand_tables, weekly_tables
from planalign_core.engines.polars_engine.year import YearResult, with_money, workforce_year
from planalign_core.store.tables import (
    ACCUMULATOR_TABLE,
    BALANCES_TABLE,
    CONTRIBUTIONS_TABLE,
    EVENTS_TABLE,
    SNAPSHOT_TABLE,
)

P = ParamSpec("P")


@dataclass(frozen=True)
class EngineYear:
    """One year's outputs: the year step's result, its accumulator rows and its weekly
    balance snapshots (computed with the year, so that their inputs, the money year's
    ``annual`` and ``segments``, are not held any longer)."""

    result: YearResult
    accumulator: pl.DataFrame
    seconds: float
    accumulator_seconds: float
    # The year's compact weekly snapshots (what is stored), computed before this object
    # existed, in ``weekly_seconds``; a call returns them.
    weekly_tables: Callable[[], WeeklyTables] | None = None
    weekly_seconds: float = 0.0

    @property
    def weekly(self) -> pl.DataFrame | None:
        """All of the year's weekly snapshot rows, expanded (again on each access)."""
        if self.weekly_tables is None:
            return None
        return expand_tables(self.weekly_tables())


@dataclass(frozen=True)
class EngineRun:
    """A prepared run: the baseline table, then the years on demand, whose workforce tables
    are offered to ``early`` as each year starts."""

    baseline: pl.DataFrame
    years: Iterator[EngineYear]
    early: EarlyRows


def run_years(
    census: pl.DataFrame,
    config: Config,
    keys: RunKeys,
    *,
    weekly: bool = True,
    overlap: bool = True,
) -> EngineRun:
    """The baseline now, and a lazy iterator over the simulated years (with the weekly balance
    snapshots unless ``weekly`` is false). ``overlap=False`` keeps the run on one thread: a
    sweep runs one run per core, where the second thread only competes with another run."""
    frame = baseline(census, config, keys.start_year)
    table = baseline_table(frame, keys)
    state = initial_state(frame, keys)
    money = initial_money_state(state, keys.start_year)
    early = EarlyRows()
    years = _years(
        state, table, config, keys, money=money, weekly=weekly, overlap=overlap, early=early
    )
    return EngineRun(table, years, early)


def _output(year: EngineYear) -> YearOutput:
    result, money = year.result, year.result.money
    frames = {
        EVENTS_TABLE: result.events,
        SNAPSHOT_TABLE: result.snapshot,
        ACCUMULATOR_TABLE: year.accumulator,
    }
    seconds = {
        Stage.YEAR: year.seconds,
        Stage.ACCUMULATOR: year.accumulator_seconds,
        Stage.WEEKLY: year.weekly_seconds,
    }
    if money is not None:
        frames |= {CONTRIBUTIONS_TABLE: money.contributions, BALANCES_TABLE: money.balances}
        seconds[Stage.MONEY] = money.seconds
    return YearOutput(result.year, frames, year.weekly_tables, result.counts, seconds)


def _as_contract(native: Callable[P, EngineRun]) -> Callable[P, RunOutput]:
    """``native`` with its run handed over as the engine contract has it: the same parameters
    (names, types, defaults: stated once, on ``native``), each year as a :class:`YearOutput`."""

    def contract_run(*args: P.args, **kwargs: P.kwargs) -> RunOutput:
        engine = native(*args, **kwargs)
        # map keeps no year once handed over (a generator expression held the last one while
        # the next was computed)
        return RunOutput(engine.baseline, map(_output, engine.years), engine.early)

    return contract_run


# The run as the engine contract has it (what ``simulate`` stores), with ``run_years``'s parameters.
run = _as_contract(run_years)


def _years(
    state: pl.DataFrame,
    table: pl.DataFrame,
    config: Config,
    keys: RunKeys,
    *,
    money: pl.DataFrame,
    weekly: bool,
    overlap: bool,
    early: EarlyRows,
) -> Iterator[EngineYear]:
    """The years in order. A year's money needs its workforce and the previous year's money;
    the next year's workforce needs only this year's workforce, so it is computed while a
    second thread computes this year's money (Polars releases the GIL): at 5k employees most
    of a year is per-operation overhead on one core, and the other core was idle. A year's
    workforce tables (its events before the money's, the snapshot, the accumulator) are
    offered to ``early`` while its money is computed."""
    rows = baseline_rows(table)
    clock = perf_counter()
    ahead = workforce_year(state, config, keys, keys.start_year)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="planalign-money") as pool:
        submit = pool.submit if overlap else _done_now
        for year in range(keys.start_year, keys.last_year + 1):
            frame, workforce = ahead
            computing = submit(with_money, frame, workforce, money, config, keys)
            stepped = perf_counter()
            # the accumulator reads hires, terminations and rate elections: workforce events
            rows = accumulate(
                rows,
                workforce.events,
                year=year,
                last_year=keys.last_year,
                scenario_id=keys.scenario_id,
                plan_design_id=keys.plan_design_id,
            )
            accumulated = perf_counter() - stepped
            _offer_workforce(early, workforce, rows)
            if year < keys.last_year:
                ahead = workforce_year(workforce.state, config, keys, year + 1)
            result = computing.result()
            del frame
            done = perf_counter()
            tables, weekly_seconds = None, 0.0
            if weekly and result.money is not None:
                computed = weekly_tables(result.money, config, keys)
                weekly_seconds = perf_counter() - done
                tables = partial(_ready, computed)
                result = replace(result, money=result.money.without_weekly_inputs())
            # seconds: the wall time this year took to be ready, the next year's workforce
            # (computed alongside its money) included
            yield EngineYear(result, rows, done - clock, accumulated, tables, weekly_seconds)
            clock = perf_counter()
            if result.money is not None:
                money = result.money.state
            # the caller holds this year's frames while it stores them, no longer: kept here
            # they lived through the next year's compute (1M employees: docs/benchmarks.md)
            del result


def _offer_workforce(early: EarlyRows, workforce: YearResult, accumulator: pl.DataFrame) -> None:
    """The year's tables its money does not change, offered while the money is computed."""
    early.offer(EVENTS_TABLE, workforce.events)  # the money's events follow them
    early.offer(SNAPSHOT_TABLE, workforce.snapshot)
    early.offer(ACCUMULATOR_TABLE, accumulator)


def _ready(tables: WeeklyTables) -> WeeklyTables:
    """The year's weekly tables, computed when the year was (``EngineYear.weekly_tables``)."""
    return tables


def _done_now(work: Callable[..., YearResult], *args: Any) -> Future[YearResult]:
    """``work`` run in this thread, as a finished future (the run without the overlap)."""
    future: Future[YearResult] = Future()
    future.set_result(work(*args))
    return future


__all__ = ["EngineRun", "EngineYear", "RunKeys", "run", "run_years"]
