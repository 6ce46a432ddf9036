"""The small lookups (by band, the money and rate types) the year step is built from; the
per-level values are ``planalign_core.rules.levels``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import polars as pl

from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE

SOURCE_SYSTEM = "planalign"
MONEY = pl.Decimal(18, 2)
RATE = pl.Decimal(5, 4)


def band(x: pl.Expr, bounds: Sequence[int], values: Sequence[int]) -> pl.Expr:
    """``band(list, x)``: the value of the last entry whose lower bound is ``<= x``."""
    chain = lit(values[0], pl.Int64)
    for bound, value in zip(bounds[1:], values[1:], strict=True):
        chain = pl.when(x >= lit(bound)).then(lit(value)).otherwise(chain)
    return chain


def decimal_lit(value: Decimal) -> pl.Expr:
    """A decimal literal, cast from its text: Polars converts a Python ``Decimal`` object in
    Rust, which imports numpy first (44 ms of a 1.3 s 5k x 5 run that uses no numpy)."""
    return _decimal_text_lit(format(value, "f"))


@lru_cache(maxsize=256)
def _decimal_text_lit(text: str) -> pl.Expr:
    """Made once a text, as ``literals.lit`` is; keyed on the text, not the ``Decimal``:
    ``Decimal("0.01") == Decimal("0.010")``, and their scales differ."""
    _, digits, exponent = Decimal(text).as_tuple()
    scale = max(-int(exponent), 0)
    precision = max(len(digits) + max(int(exponent), 0), scale) + 1
    return lit(text).cast(pl.Decimal(precision, scale))


CENT = Decimal(1).scaleb(-MONEY.scale)  # money's unit: 0.01
BASIS_POINT = Decimal(1) / RATE_SCALE  # a rate's unit: DECIMAL(5,4)


def money(cents: pl.Expr) -> pl.Expr:
    """Integer cents -> ``DECIMAL(18,2)``, exact."""
    return (cents.cast(pl.Decimal(18, 0)) * decimal_lit(CENT)).cast(MONEY)


def rate(rate_units: pl.Expr) -> pl.Expr:
    """Integer basis units -> ``DECIMAL(5,4)``, exact."""
    return (rate_units.cast(pl.Decimal(5, 0)) * decimal_lit(BASIS_POINT)).cast(RATE)


def rate_units(value: pl.Expr) -> pl.Expr:
    """``DECIMAL(5,4)`` -> integer basis units, exact."""
    return (value * RATE_SCALE).cast(pl.Int32)
