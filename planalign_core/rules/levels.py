"""The job levels' values (``levels`` of the configuration) as Polars expressions: a value per
row's level, and a pay drawn in a level's band (rules, "Synthesising a census" and "Hires")."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from planalign_core.config import Level
from planalign_core.rules.draws import bounded


def by_level(level: pl.Expr, values: Sequence[int]) -> pl.Expr:
    """The per-level value of ``values`` (index 0 is level 1) for each row's level."""
    return level.replace_strict(
        list(range(1, len(values) + 1)), list(values), return_dtype=pl.Int64
    )


def pay_cents(level: pl.Expr, levels: Sequence[Level], draw: str) -> pl.Expr:
    """``100 * (levels[L].pay_min + bounded(u, pay_max - pay_min + 1))``: whole dollars drawn
    uniformly in the level's band, in cents."""
    pay_min = by_level(level, [lv.pay_min for lv in levels])
    pay_span = by_level(level, [lv.pay_max - lv.pay_min + 1 for lv in levels])
    return (pay_min + bounded(draw, pay_span)) * 100
