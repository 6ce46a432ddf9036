"""Calendar helpers of ``docs/rules.md`` ("Conventions") as Polars expressions.

Dates are handled as Polars ``Date`` values; day arithmetic goes through their integer day
numbers (days since 1970-01-01), so ``d + n`` and ``d2 - d1`` are plain integer operations.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.config import Config, month_day
from planalign_core.literals import lit

EPOCH = dt.date(1970, 1, 1)


def census_date(start_year: int) -> dt.date:
    """``C = end(start_year - 1)``: the date a census describes."""
    return dt.date(start_year - 1, 12, 31)


def day_number(value: dt.date) -> int:
    """A Python date as its Polars day number."""
    return (value - EPOCH).days


def days(date: pl.Expr) -> pl.Expr:
    """A date column as Int32 day numbers."""
    return date.cast(pl.Int32)


def to_date(day: pl.Expr) -> pl.Expr:
    """Int day numbers back to dates."""
    return day.cast(pl.Int32).cast(pl.Date)


def add_days(date: pl.Expr, n: pl.Expr | int) -> pl.Expr:
    """``date + n`` days."""
    return to_date(days(date) + n)


def leap(year: pl.Expr) -> pl.Expr:
    zero = lit(0)
    return ((year % lit(4) == zero) & (year % lit(100) != zero)) | (year % lit(400) == zero)


def days_in_year(year: pl.Expr) -> pl.Expr:
    """``D(y)``: 365 or 366."""
    return lit(365, pl.Int32) + leap(year).cast(pl.Int32)


def year_start(year: pl.Expr) -> pl.Expr:
    """``start(y)`` for a per-row year."""
    return pl.date(year, 1, 1)


def md(date: pl.Expr) -> pl.Expr:
    """``md(d) = 100 * month + day``."""
    return date.dt.month().cast(pl.Int32) * lit(100) + date.dt.day().cast(pl.Int32)


def age_on(birth: pl.Expr, on: dt.date) -> pl.Expr:
    """``age(b, d)`` for a constant date ``d``: completed years (Int32)."""
    on_md = lit(on.month * 100 + on.day)
    return lit(on.year) - birth.dt.year().cast(pl.Int32) - (md(birth) > on_md).cast(pl.Int32)


def age_at(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    """``age(b, d)`` for a per-row date ``d``."""
    years = on.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32)
    return years - (md(on) < md(birth)).cast(pl.Int32)


def anniversary(birth: pl.Expr, years: int) -> pl.Expr:
    """``anniv(b, A)``: February 29 gives March 1 in a year that is not a leap year."""
    year = birth.dt.year().cast(pl.Int32) + years
    moved = (birth.dt.month() == 2) & (birth.dt.day() == 29) & ~leap(year)
    month = pl.when(moved).then(3).otherwise(birth.dt.month())
    day = pl.when(moved).then(1).otherwise(birth.dt.day())
    return pl.date(year, month, day)


def on_month_day(year: int, value: str) -> dt.date:
    """``date(y, "MM-DD")``."""
    month, day = month_day(value)
    return dt.date(year, month, day)


def plan_entry(config: Config, birth: pl.Expr, hire: pl.Expr) -> pl.Expr:
    """The plan entry date by ``eligibility.rule`` (rules, "Baseline workforce")."""
    rule = config.eligibility
    after_wait = add_days(hire, rule.waiting_days)
    if rule.rule == "immediate":
        return hire
    if rule.rule == "waiting_period":
        return after_wait
    return pl.max_horizontal(anniversary(birth, rule.min_age), after_wait)
