"""Balances per participant and source (rules, "Balances"): beginning + contributions +
investment return - forfeitures = ending, the vested part, and the money state carried into the
next year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config, units
from planalign_core.engines.polars_engine.money.common import KEY, lit64, rhu
from planalign_core.engines.polars_engine.money.vesting import vested_on
from planalign_core.errors import ConfigError
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules.bounds import MAX_BALANCE_CENTS
from planalign_core.rules.calendar import day_number


@dataclass(frozen=True)
class Source:
    """A contribution source: its name, its annual-amount column, its balance column."""

    name: str
    amount: str
    employer: bool
    sub: int

    @property
    def balance(self) -> str:
        return f"bal_{self.name}"


SOURCES = (
    Source("employee_pre_tax", "pre_tax", employer=False, sub=1),
    Source("catch_up", "catch_up", employer=False, sub=3),
    Source("employer_match", "employer_match", employer=True, sub=4),
    Source("true_up", "true_up", employer=True, sub=5),
    Source("non_elective", "non_elective", employer=True, sub=6),
)
EMPLOYER_SOURCES = tuple(s for s in SOURCES if s.employer)
EMPLOYEE_SOURCES = tuple(s for s in SOURCES if not s.employer)
FORFEITURE_SUB = {"employer_match": 1, "true_up": 2, "non_elective": 3}
STATE_SCHEMA = pl.Schema(
    {
        KEY: pl.Int64(),
        **{s.balance: pl.Int64() for s in SOURCES},
        "earned": pl.Int64(),
        "is_hce": pl.Boolean(),
    }
)


def grow(cents: pl.Expr, rate: int, scale: int) -> pl.Expr:
    """``rhu(c * (scale + rate), scale)``: a year (scale 10000) or half a year (20000)."""
    return rhu(cents * lit(scale + rate), scale)


def with_balances(frame: pl.LazyFrame, config: Config, last_day: int) -> pl.LazyFrame:
    """Adds, per source, ``B_``, ``R_``, ``F_``, ``E_``, ``V_`` (beginning, return, forfeiture,
    ending, vested) and ``vest_end`` (units). ``frame`` holds the state's ``bal_`` columns
    (null for a new hire) and the annual amounts."""
    g = units(config.investment.return_rate)
    active_end = ~pl.col("terminated")
    vest_end = (
        pl.when(active_end)
        .then(vested_on(lit64(last_day), config))
        .otherwise(vested_on(pl.col("x") - 1, config))
    )
    frame = frame.with_columns(
        vest_end.alias("vest_end"),
        *[pl.col(s.balance).fill_null(lit(0)).alias(f"B_{s.name}") for s in SOURCES],
    )
    columns = []
    for s in SOURCES:
        begin, flow = pl.col(f"B_{s.name}"), pl.col(s.amount)
        ret = grow(begin, g, RATE_SCALE) - begin + grow(flow, g, 2 * RATE_SCALE) - flow
        columns.append(pl.when(active_end).then(ret).otherwise(lit64(0)).alias(f"R_{s.name}"))
        if s.employer:
            held = begin + flow
            unvested = held - rhu(held * pl.col("vest_end"), RATE_SCALE)
            forfeit = pl.when(active_end).then(lit64(0)).otherwise(unvested)
        else:
            forfeit = lit64(0)
        columns.append(forfeit.alias(f"F_{s.name}"))
    frame = frame.with_columns(columns)
    frame = frame.with_columns(
        (
            pl.col(f"B_{s.name}") + pl.col(s.amount) + pl.col(f"R_{s.name}") - pl.col(f"F_{s.name}")
        ).alias(f"E_{s.name}")
        for s in SOURCES
    )
    return frame.with_columns(
        (
            pl.when(active_end)
            .then(rhu(pl.col(f"E_{s.name}") * pl.col("vest_end"), RATE_SCALE))
            .otherwise(pl.col(f"E_{s.name}"))
            if s.employer
            else pl.col(f"E_{s.name}")
        ).alias(f"V_{s.name}")
        for s in SOURCES
    )


def check_balances(annual: pl.DataFrame, year: int) -> None:
    """Stop the run at a balance of $1 trillion or more (rules, "Bounds"), before the next
    year's growth multiplies it past 64 bits (a 100 % return doubles it every year)."""
    ends = [f"E_{s.name}" for s in SOURCES]
    if annual.height == 0 or annual.select(pl.max_horizontal(ends).max()).item() <= (
        MAX_BALANCE_CENTS
    ):
        return
    over = (
        annual.unpivot(ends, index="employee_id", variable_name="source", value_name="cents")
        .filter(pl.col("cents") > MAX_BALANCE_CENTS)
        .sort("employee_id", "source")
        .row(0, named=True)
    )
    raise ConfigError(
        f"year {year}: employee {over['employee_id']}'s {over['source'][2:]} balance reaches "
        f"${over['cents'] // 100:,}, past the ${MAX_BALANCE_CENTS // 100:,} bound: "
        "investment.return_rate compounds too fast over the run's years; lower it or end the "
        "run sooner"
    )


def next_state(annual: pl.DataFrame) -> pl.DataFrame:
    """The money state of the employees active at the end of the year."""
    return (
        annual.lazy()
        .filter(~pl.col("terminated"))
        .select(
            KEY,
            *[pl.col(f"E_{s.name}").alias(s.balance) for s in SOURCES],
            pl.col("W").alias("earned"),
            "is_hce",
        )
        .collect(engine=ENGINE)
    )


def initial_state(active_baseline: pl.DataFrame, start_year: int) -> pl.DataFrame:
    """Before the first year: zero balances, census-year earned pay (rules, "HCE status"):
    ``rhu(pay * m, D(year(C)))`` with ``m`` the days employed in the census year."""
    census_year = start_year - 1
    first = day_number(dt.date(census_year, 1, 1))
    last = day_number(dt.date(census_year, 12, 31))
    hire = pl.col("hire_date").cast(pl.Int32)
    days = lit64(last) - pl.max_horizontal(hire, lit(first, pl.Int32)) + 1
    return active_baseline.select(
        pl.col(KEY).cast(pl.Int64),
        *[lit64(0).alias(s.balance) for s in SOURCES],
        rhu(pl.col("compensation_cents").cast(pl.Int64) * days, last - first + 1).alias("earned"),
        lit(False).alias("is_hce"),
    )
