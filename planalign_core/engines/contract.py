"""What an engine gives a run: the contract both engines fill and ``simulate`` stores.

Neither engine imports the other; both import this module. A run's identity (:class:`RunKeys`),
one year's outputs (:class:`YearOutput`: the tables ``simulate`` stores and the figures of the
CLI summary, :class:`YearCounts`) and a prepared run (:class:`RunOutput`: the baseline now,
the years on demand, and :class:`EarlyRows`, the first rows of a year the store may take
before the year is complete).
The table names live with the store (``planalign_core.store.tables``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from planalign_core.rng import prefix_hash, text_key

# New hires' employee_key = year * HIRE_KEY_BASE + ordinal (docs/rules.md, "Identifiers"): the
# base keeps a year's hires apart from every census key and from other years' hires.
HIRE_KEY_BASE = 100_000_000


@dataclass(frozen=True)
class RunKeys:
    """What identifies a run's draws and rows (the SQL engine's ``run_parameters``)."""

    seed: int
    scenario_id: str
    plan_design_id: str
    start_year: int
    years: int

    @property
    def scenario_key(self) -> int:
        return text_key(self.scenario_id)

    @property
    def draw_prefix(self) -> int:
        return prefix_hash(self.seed, self.scenario_key)

    @property
    def last_year(self) -> int:
        return self.start_year + self.years - 1

    @property
    def years_simulated(self) -> range:
        return range(self.start_year, self.start_year + self.years)


@dataclass(frozen=True)
class WeeklyTables:
    """A year's weekly balance snapshots as stored: the pay segments holding Fridays (the view
    ``fct_participant_balance_snapshots`` expands them on read) and the closing rows."""

    segments: pl.DataFrame
    closings: pl.DataFrame


@dataclass(frozen=True)
class YearCounts:
    """A year's headcount figures (the CLI summary's): each engine counts them once, into this,
    and its year, the contract's :class:`YearOutput` and the summary carry them as they are."""

    start_headcount: int
    experienced_terminations: int
    hires: int
    new_hire_terminations: int


class Stage(StrEnum):
    """What a year's seconds are split by (the run report's ``<stage>_<year>`` timings)."""

    YEAR = "year"
    ACCUMULATOR = "accumulator"
    MONEY = "money"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class YearOutput:
    """One simulated year, as a run stores and summarises it.

    ``frames``: the year's tables by their stored names, in ``store.tables.YEAR_TABLES``' order
    (the money tables only when the engine computed money). ``seconds``: wall seconds by
    :class:`Stage`: the year ready to store, its accumulator, its money (when computed) and what
    the weekly snapshots cost the engine before ``weekly`` is called."""

    year: int
    frames: Mapping[str, pl.DataFrame]
    # Computes (or hands over) the year's compact weekly snapshots; None when not asked for.
    weekly: Callable[[], WeeklyTables] | None
    counts: YearCounts
    seconds: Mapping[Stage, float]


class EarlyRows:
    """The first rows of a year's tables, handed to the store before the year is complete.

    A year's money needs its workforce; its workforce's tables (the first of the year's
    events, the snapshot, the accumulator) are ready while the money is still computed. An
    engine offers them here, and a store that connected a writer may store them at once, so
    its writer works while the money is computed (at 5k x 5 it had been idle for the whole
    first year, then the critical path to the commit: docs/benchmarks.md, "Early rows"). The
    store says whether it took an offer; one it declines comes again with the year's whole
    frame. Each offer is a prefix of that table's frame in the year's :class:`YearOutput`,
    whose frames stay whole for every other reader; the store writes :meth:`remainder` of
    them. Nothing is offered to a store that connected nothing (a sweep, a test), nor by an
    engine that computes a year at once (dbt).
    """

    def __init__(self) -> None:
        self._store: Callable[[str, pl.DataFrame], bool] | None = None
        self._offered: dict[str, int] = {}  # rows of the coming year taken, by table

    def connect(self, store: Callable[[str, pl.DataFrame], bool]) -> None:
        """Have ``store(table, frame)`` see every later offer; it returns whether it took it."""
        self._store = store

    def offer(self, table: str, frame: pl.DataFrame) -> None:
        """The next rows of the coming year's ``table``, for the store if one is connected."""
        if self._store is not None and self._store(table, frame):
            self._offered[table] = self._offered.get(table, 0) + frame.height

    def remainder(self, table: str, frame: pl.DataFrame) -> pl.DataFrame | None:
        """The rows of the year's whole ``frame`` not taken before (None when all were)."""
        offered = self._offered.pop(table, 0)
        if offered > frame.height:
            raise ValueError(f"{table}: {offered} rows taken early, the year has {frame.height}")
        if offered == 0:
            return frame
        return frame.slice(offered) if offered < frame.height else None


@dataclass(frozen=True)
class RunOutput:
    """A prepared run: the baseline table, then the years in order (iterate to the end, or
    close the iterator: an engine may hold a scratch folder until then)."""

    baseline: pl.DataFrame
    years: Iterator[YearOutput]
    early: EarlyRows = field(default_factory=EarlyRows)

    def timing_figures(self) -> dict[str, float]:
        """The engine's own timings for the run's metadata (read after the years)."""
        return {}
