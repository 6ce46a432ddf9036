"""The engine's decimal literals are made from text (Polars imports numpy to convert a Python
``Decimal``): the literal must be the same number, at the scale it was written with."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.engines.polars_engine.params import decimal_lit, money, rate
from planalign_core.rng import RATE_SCALE

# Polars' decimals hold 38 digits: 12 before the point and up to 20 after it
DECIMALS = st.integers(min_value=0, max_value=20).flatmap(
    lambda places: st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=places)
)


@given(DECIMALS)
def test_a_literal_is_its_decimal(value: Decimal) -> None:
    literal = pl.select(decimal_lit(value))
    assert literal.item() == value
    assert literal.dtypes[0].scale == max(-int(value.as_tuple().exponent), 0)  # type: ignore[attr-defined]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_is_cents_over_a_hundred_exactly(cents: int) -> None:
    assert pl.select(money(pl.lit(cents))).item() == Decimal(cents) / 100


@given(st.integers(min_value=0, max_value=RATE_SCALE))
def test_a_rate_is_basis_units_over_the_rate_scale_exactly(units: int) -> None:
    assert pl.select(rate(pl.lit(units))).item() == Decimal(units) / RATE_SCALE
