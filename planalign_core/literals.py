"""Polars literals, each made once a process.

``pl.lit`` spends about 7 microseconds of Python on every call (type checks before the Rust
call), and so does every plain ``int`` or ``str`` operand of an expression, which Polars turns
into a literal the same way. The plans of a 5k x 5 run held about 6,300 of them, rebuilt each
year; made once here, the run is 0.004-0.039 s faster (paired sittings, docs/benchmarks.md,
"Literals made once"). A Polars expression is immutable, so one literal per (value, data type)
serves every plan; the plans and their results are the same.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import polars as pl
from polars._typing import PolarsDataType


@lru_cache(maxsize=4096, typed=True)  # typed: ``True`` and ``1`` are different literals
def lit(value: int | str | bool | date | None, dtype: PolarsDataType | None = None) -> pl.Expr:
    """``pl.lit(value, dtype=dtype)``, made once and shared."""
    return pl.lit(value, dtype=dtype)
