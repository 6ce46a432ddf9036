"""Literals made once a process (``planalign_core.literals``): one shared expression per value
and data type, never one that stands for another value or type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from planalign_core.engines.polars_engine.params import decimal_lit
from planalign_core.literals import lit


def test_a_literal_is_made_once_per_value_and_type() -> None:
    assert lit(7) is lit(7)
    assert lit(7, pl.Int32) is lit(7, pl.Int32)
    assert lit("auto") is lit("auto")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((1,), (True,)),  # equal in Python, different literals
        ((0, None), (False, None)),
        ((1,), (1, pl.Int64)),
        ((1, pl.Int32), (1, pl.Int64)),
        ((1, pl.Decimal(18, 2)), (1, pl.Decimal(5, 4))),
        ((None, pl.String), (None, pl.Date)),
    ],
)
def test_equal_python_values_of_other_types_are_other_literals(
    first: tuple[object, ...], second: tuple[object, ...]
) -> None:
    one, other = lit(*first), lit(*second)
    assert one is not other
    assert pl.select(one).dtypes != pl.select(other).dtypes
    for args, shared in ((first, one), (second, other)):
        assert pl.select(shared).equals(pl.select(pl.lit(*args)))  # type: ignore[arg-type]


def test_a_shared_literal_gives_what_pl_lit_gives() -> None:
    values = [0, 2**32, -5, "opt_out", True, None, dt.date(2025, 12, 31)]
    for value in values:
        assert pl.select(lit(value).alias("x")).equals(pl.select(pl.lit(value).alias("x")))
    assert lit(3).alias("a") is not lit(3)  # an alias is a new expression; the shared one stays


def test_a_decimal_literal_keeps_the_scale_it_was_written_with() -> None:
    first = pl.select(decimal_lit(Decimal("0.01")))
    second = pl.select(decimal_lit(Decimal("0.010")))  # equal to 0.01 and hashed alike
    assert first.dtypes[0] == pl.Decimal(3, 2)
    assert second.dtypes[0] == pl.Decimal(4, 3)
