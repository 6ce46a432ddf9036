"""One simulated year: state in, (events, snapshot, next state) out.

Two collects per year plus the outputs: the experienced employees' terminations first (the
number of hires depends on their count, a global figure), then every other decision on the whole
year frame at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys, YearCounts
from planalign_core.engines.polars_engine import participation, workforce
from planalign_core.engines.polars_engine.events import year_events
from planalign_core.engines.polars_engine.money import MoneyYear, money_year
from planalign_core.engines.polars_engine.snapshot import next_state, snapshot_rows
from planalign_core.errors import ConfigError
from planalign_core.rules.bounds import MAX_PAY_CENTS, MAX_PAY_DOLLARS
from planalign_core.rules.headcount import hire_counts


@dataclass(frozen=True)
class YearResult:
    """What one year produces."""

    year: int
    events: pl.DataFrame
    snapshot: pl.DataFrame
    state: pl.DataFrame
    counts: YearCounts
    money: MoneyYear | None = None

    @property
    def end_headcount(self) -> int:
        return self.state.height


def year_frame(state: pl.DataFrame, config: Config, keys: RunKeys, year: int) -> pl.DataFrame:
    """Every decision of ``year`` as columns, one row per employee of the year."""
    experienced = workforce.experienced_terminations(state.lazy(), config, keys, year).collect(
        engine=ENGINE
    )
    terminated = int(experienced["terminated"].sum())
    hires, leavers = hire_counts(experienced.height, terminated, config)
    joined = pl.concat(
        [experienced.lazy(), workforce.new_hires(hires, leavers, config, keys, year).lazy()],
        how="diagonal_relaxed",
    )
    joined = workforce.pay_changes(joined, config, year)
    joined = participation.enrolment(joined, config, year)
    joined = participation.escalation(joined, config, year)
    return participation.end_of_year(joined, config, year).collect(engine=ENGINE)


def simulate_year(
    state: pl.DataFrame,
    config: Config,
    keys: RunKeys,
    year: int,
    money_state: pl.DataFrame | None = None,
) -> YearResult:
    """Rules, "The simulation year", for one year; with ``money_state`` (the money state at the
    end of the previous year) also rules, "Money", whose events follow the year's others."""
    frame, result = workforce_year(state, config, keys, year)
    if money_state is None:
        return result
    return with_money(frame, result, money_state, config, keys)


def workforce_year(
    state: pl.DataFrame, config: Config, keys: RunKeys, year: int
) -> tuple[pl.DataFrame, YearResult]:
    """The year without its money: the year frame (the money's input) and the result. The
    next year's workforce needs only this result's ``state``, so a run can compute it while
    this year's money is computed (:func:`with_money`)."""
    frame = year_frame(state, config, keys, year)
    check_pay(frame, year)
    events = year_events(frame, config, keys, year)
    new_hire = pl.col("is_new_hire")
    leavers, hires, hires_leaving = frame.select(
        (~new_hire & pl.col("terminated")).sum().alias("experienced_terminations"),
        new_hire.sum().alias("hires"),
        (new_hire & pl.col("terminated")).sum().alias("new_hire_terminations"),
    ).row(0)
    result = YearResult(
        year=year,
        events=events,
        snapshot=snapshot_rows(frame, keys, year),
        state=next_state(frame),
        counts=YearCounts(state.height, int(leavers), int(hires), int(hires_leaving)),
    )
    return frame, result


def check_pay(frame: pl.DataFrame, year: int) -> None:
    """Stop the run at a pay of $100 million a year or more (rules, "Bounds"), before the
    year's money multiplies it by rates and days: the assumptions have compounded past any
    pay (a 100 % COLA doubles it every year)."""
    if frame.height == 0 or frame["comp_end"].max() <= MAX_PAY_CENTS:  # type: ignore[operator]
        return
    first = (
        frame.filter(pl.col("comp_end") > MAX_PAY_CENTS)
        .sort("employee_id")
        .select("employee_id", "comp_end")
        .row(0)
    )
    raise ConfigError(
        f"year {year}: employee {first[0]}'s pay reaches ${first[1] // 100:,}, past the "
        f"${MAX_PAY_DOLLARS:,} bound: compensation (cola_rate, merit, promotions) compounds too "
        "fast over the run's years; lower it or end the run sooner"
    )


def with_money(
    frame: pl.DataFrame,
    result: YearResult,
    money_state: pl.DataFrame,
    config: Config,
    keys: RunKeys,
) -> YearResult:
    """``result`` with the year's money (rules, "Money"): its events appended to the year's
    others, its tables and its state in ``money``."""
    money = money_year(
        frame, result.events, money_state, config=config, keys=keys, year=result.year
    )
    return replace(result, events=pl.concat([result.events, money.events]), money=money)
