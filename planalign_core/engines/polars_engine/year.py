"""One simulated year: state in, (events, snapshot, next state) out.

Two collects per year plus the outputs: the experienced employees' terminations first (the
number of hires depends on their count, a global figure), then every other decision on the whole
year frame at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from planalign_core.config import Config
from planalign_core.engines.polars_engine import participation, workforce
from planalign_core.engines.polars_engine.events import year_events
from planalign_core.engines.polars_engine.money import MoneyYear, money_year
from planalign_core.engines.polars_engine.params import RunKeys
from planalign_core.engines.polars_engine.snapshot import next_state, snapshot_rows


@dataclass(frozen=True)
class YearResult:
    """What one year produces."""

    year: int
    events: pl.DataFrame
    snapshot: pl.DataFrame
    state: pl.DataFrame
    start_headcount: int
    experienced_terminations: int
    hires: int
    new_hire_terminations: int
    money: MoneyYear | None = None

    @property
    def end_headcount(self) -> int:
        return self.state.height


def year_frame(state: pl.DataFrame, config: Config, keys: RunKeys, year: int) -> pl.DataFrame:
    """Every decision of ``year`` as columns, one row per employee of the year."""
    experienced = workforce.experienced_terminations(state.lazy(), config, keys, year).collect()
    terminated = int(experienced["terminated"].sum())
    hires, leavers = workforce.hire_counts(experienced.height, terminated, config)
    joined = pl.concat(
        [experienced.lazy(), workforce.new_hires(hires, leavers, config, keys, year).lazy()],
        how="diagonal_relaxed",
    )
    joined = workforce.pay_changes(joined, config, year)
    joined = participation.enrolment(joined, config, year)
    joined = participation.escalation(joined, config, year)
    return participation.end_of_year(joined, config, year).collect()


def simulate_year(
    state: pl.DataFrame,
    config: Config,
    keys: RunKeys,
    year: int,
    money_state: pl.DataFrame | None = None,
) -> YearResult:
    """Rules, "The simulation year", for one year; with ``money_state`` (the money state at the
    end of the previous year) also rules, "Money", whose events follow the year's others."""
    frame = year_frame(state, config, keys, year)
    events = year_events(frame, config, keys, year)
    money = None
    if money_state is not None:
        money = money_year(frame, events, money_state, config=config, keys=keys, year=year)
        events = pl.concat([events, money.events])
    new_hire = pl.col("is_new_hire")
    counts = frame.select(
        (~new_hire & pl.col("terminated")).sum().alias("experienced_terminations"),
        new_hire.sum().alias("hires"),
        (new_hire & pl.col("terminated")).sum().alias("new_hire_terminations"),
    ).row(0, named=True)
    return YearResult(
        year=year,
        events=events,
        snapshot=snapshot_rows(frame, keys, year),
        state=next_state(frame),
        start_headcount=state.height,
        experienced_terminations=int(counts["experienced_terminations"]),
        hires=int(counts["hires"]),
        new_hire_terminations=int(counts["new_hire_terminations"]),
        money=money,
    )
