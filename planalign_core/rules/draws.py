"""The draws of one employee-year, computed the cheap way with the same bits.

``draw`` folds seven words left to right (``docs/rules.md``, "Random draws"). The first three
(seed and scenario) are constant in a run, and the next three (employee, year) are shared by every
stream of an employee-year. So: the constant prefix is folded once in Python, the employee-year
part once per row (``base``), and each stream costs one more mix. ``tests`` check the result
against :func:`planalign_core.rng.draw`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from planalign_core.literals import lit
from planalign_core.rng import (
    MASK32,
    RATE_SCALE,
    TWO_POW_32,
    FrameT,
    as_u64,
    bounded_expr,
    fold_word,
    with_mix32,
)
from planalign_core.rules import calendar as cal

BASE = "__draw_base"


def with_base(
    frame: FrameT,
    prefix: int,
    employee_key: str,
    year: pl.Expr | int | None,
    base: str = BASE,
) -> FrameT:
    """Add the per-employee-year fold ``base`` (prefix, key low, key high, then ``year``
    unless it is None)."""
    key = pl.col(employee_key).cast(pl.UInt64)
    frame = frame.with_columns(lit(prefix, pl.UInt64).alias(base))
    frame = fold_word(frame, base, key & lit(MASK32))
    frame = fold_word(frame, base, key // lit(1 << 32))
    return frame if year is None else fold_word(frame, base, year)


def with_streams(frame: FrameT, streams: Mapping[str, int], base: str = BASE) -> FrameT:
    """Add one draw column per ``name: stream`` from the fold ``base``."""
    frame = frame.with_columns(
        pl.col(base).xor(lit(stream)).alias(name) for name, stream in streams.items()
    )
    return with_mix32(frame, list(streams))


def happens(draw: str, rate_units: pl.Expr | int) -> pl.Expr:
    """``u < threshold(p)``."""
    return pl.col(draw) < as_u64(rate_units) * lit(TWO_POW_32) // lit(RATE_SCALE)


def bounded(draw: str, n: pl.Expr | int) -> pl.Expr:
    """``bounded(u, n)`` as Int64."""
    return bounded_expr(pl.col(draw), n).cast(pl.Int64)


def day_in_year(draw: str, year: pl.Expr) -> pl.Expr:
    """``start(Y) + bounded(u, D(Y))``: a day of year ``Y`` drawn uniformly."""
    return cal.add_days(cal.year_start(year), bounded(draw, cal.days_in_year(year)))


def weighted(draw: str, values: Sequence[int], weights: Sequence[int]) -> pl.Expr:
    """The weighted choice of ``values`` (rules, "Using a draw"); weights sum to 10000."""
    v = bounded(draw, RATE_SCALE)
    cumulative = 0
    chain: pl.Expr | None = None
    for value, weight in zip(values[:-1], weights[:-1], strict=True):
        cumulative += weight
        if weight == 0:
            continue
        condition = v < lit(cumulative)
        chain = (
            pl.when(condition).then(lit(value))
            if chain is None
            else chain.when(condition).then(lit(value))  # type: ignore[attr-defined]
        )
    last = lit(values[-1])
    return last if chain is None else chain.otherwise(last)  # type: ignore[attr-defined]
