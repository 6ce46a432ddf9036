"""Vesting of employer money by completed years of service, vesting events on the service
anniversary where the percentage changes, and forfeiture of the unvested part at termination
(rules, "Vesting and forfeitures")."""

from __future__ import annotations

import polars as pl

from planalign_core.config import Config, units
from planalign_core.engines.polars_engine.money.common import lit64
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal


def percent(service: pl.Expr, config: Config) -> pl.Expr:
    """``pct(A)`` in units for completed years of service ``A``."""
    vesting = config.vesting
    if vesting.schedule == "immediate":
        return lit64(RATE_SCALE)
    if vesting.schedule == "cliff":
        cliff = service >= lit(vesting.cliff_years)
        return pl.when(cliff).then(lit64(RATE_SCALE)).otherwise(lit64(0))
    chain = lit64(0)
    for step in vesting.graded:
        vested = lit64(units(step.percent))
        chain = pl.when(service >= lit(step.years)).then(vested).otherwise(chain)
    return chain


def vested_on(day: pl.Expr, config: Config) -> pl.Expr:
    """``vest(d) = pct(max(0, age(hire_date, d)))`` for a per-row day number ``day``."""
    service = cal.age_at(pl.col("hire_date"), cal.to_date(day))
    return percent(pl.max_horizontal(service, lit(0, pl.Int32)), config)


def anniversary_in(year: int) -> pl.Expr:
    """The service anniversary falling in ``year`` (February 29 -> March 1 in common years)."""
    hire = pl.col("hire_date")
    common_year = not ((year % 4 == 0 and year % 100 != 0) or year % 400 == 0)
    moved = (hire.dt.month() == 2) & (hire.dt.day() == 29) & lit(common_year)
    month = pl.when(moved).then(3).otherwise(hire.dt.month())
    day = pl.when(moved).then(1).otherwise(hire.dt.day())
    return pl.date(year, month, day)


def vesting_changes(people: pl.LazyFrame, config: Config, year: int) -> pl.LazyFrame:
    """Rows of employees whose vested percentage changes on their anniversary in the year:
    ``vesting_day``, ``years_of_service``, ``previous_pct``, ``new_pct``."""
    service = year - pl.col("hire_date").dt.year().cast(pl.Int32)
    day = cal.days(anniversary_in(year))
    frame = people.with_columns(
        service.alias("years_of_service"),
        day.alias("vesting_day"),
    ).with_columns(
        percent(pl.col("years_of_service") - 1, config).alias("previous_pct"),
        percent(pl.col("years_of_service"), config).alias("new_pct"),
    )
    return frame.filter(
        (pl.col("years_of_service") >= 1)
        & (pl.col("previous_pct") != pl.col("new_pct"))
        & (pl.col("vesting_day") >= pl.col("s"))
        & (pl.col("vesting_day") < pl.col("x"))
    )
