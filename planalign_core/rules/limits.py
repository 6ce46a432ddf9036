"""IRS limits by year in cents (rules, "IRS limits"): published years as given, later years
indexed and rounded down to each limit's increment, earlier years clamped to the first; both
flagged as estimated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from planalign_core.config import IRS_LIMIT_KEYS, Config, units
from planalign_core.rng import RATE_SCALE


@dataclass(frozen=True)
class YearLimits:
    """One year's limits in cents."""

    year: int
    deferral_402g: int
    catch_up: int
    catch_up_60_63: int
    compensation_401a17: int
    annual_additions_415c: int
    hce_threshold: int
    estimated: bool

    def as_dict(self) -> dict[str, int | bool]:
        return {name: getattr(self, name) for name in ("year", *IRS_LIMIT_KEYS, "estimated")}


def _published_cents(config: Config, index: int) -> dict[str, int]:
    row = config.limits.published[index]
    return {key: 100 * getattr(row, key) for key in IRS_LIMIT_KEYS}


def year_limits(config: Config, year: int) -> YearLimits:
    """``lim(year)`` with its ``estimated`` flag."""
    published = config.limits.published
    first, last = published[0].year, published[-1].year
    if year <= first:
        return YearLimits(year, **_published_cents(config, 0), estimated=year < first)
    if year <= last:
        return YearLimits(year, **_published_cents(config, year - first), estimated=False)
    index = units(config.limits.index_rate)
    unrounded = _published_cents(config, len(published) - 1)
    for _ in range(year - last):
        unrounded = {
            key: (value * (RATE_SCALE + index) + RATE_SCALE // 2) // RATE_SCALE
            for key, value in unrounded.items()
        }
    increments = {key: 100 * getattr(config.limits.increments, key) for key in IRS_LIMIT_KEYS}
    rounded = {key: value // increments[key] * increments[key] for key, value in unrounded.items()}
    return YearLimits(year, **rounded, estimated=True)


LIMITS_SCHEMA = pl.Schema(
    {
        "year": pl.Int32(),
        **{key: pl.Int64() for key in IRS_LIMIT_KEYS},
        "estimated": pl.Boolean(),
    }
)


def limits_table(config: Config, years: Iterable[int]) -> pl.DataFrame:
    """One row per year, limits in cents."""
    rows = [year_limits(config, year).as_dict() for year in years]
    return pl.DataFrame(rows, schema=LIMITS_SCHEMA, orient="row")
