"""Integer helpers shared by the money stages (rules, "Conventions"), as Polars expressions."""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.literals import lit
from planalign_core.rules.calendar import day_number

KEY = "employee_key"
FRIDAY_ZERO = day_number(dt.date(1970, 1, 2))  # a Friday


def rhu(a: pl.Expr, q: pl.Expr | int) -> pl.Expr:
    """``rhu(a, q)`` for ``a >= 0``, ``q > 0``: ``(a + q div 2) div q``."""
    half, divisor = (lit(q // 2), lit(q)) if isinstance(q, int) else (q // 2, q)
    return (a + half) // divisor


def ceil_div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """``ceil(a / b)`` for ``a >= 0``, ``b > 0``."""
    return (a + b - 1) // b


def lit64(value: int) -> pl.Expr:
    return lit(value, pl.Int64)


def year_bounds(year: int) -> tuple[int, int, int]:
    """Day numbers of ``start(Y)``, ``end(Y)`` and ``D(Y)``."""
    first = day_number(dt.date(year, 1, 1))
    last = day_number(dt.date(year, 12, 31))
    return first, last, last - first + 1


def group_cum_sum(value: pl.Expr, key: str = KEY) -> pl.Expr:
    """``value.cum_sum().over(key)`` for rows sorted by ``key`` (15x faster: one running sum,
    less its value where each group starts). The running sum of a large run passes 2**63;
    Polars' integer sums wrap, so each difference is still its group's sum whenever that fits
    in 64 bits (tests/property/test_group_sums.py)."""
    running = value.cum_sum()
    starts = (pl.col(key) != pl.col(key).shift(1)).fill_null(lit(True))
    return running - pl.when(starts).then(running - value).otherwise(lit(None)).forward_fill()
