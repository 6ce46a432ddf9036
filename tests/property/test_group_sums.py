"""``group_cum_sum``: a running sum of the whole column less its value at each group's start.

A 1M-employee run's running total of pay cent-days passes 2**63 long before the last group;
Polars' integer sums wrap (two's complement), so the difference is still each group's own sum
whenever that fits in 64 bits. These properties hold the engine to that, against Python's
unbounded integers.
"""

from __future__ import annotations

from itertools import accumulate

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.engines.polars_engine.money.common import KEY, group_cum_sum

# a group's values stay below 2**63 in their sum; the whole column's sum does not
VALUE = st.integers(0, 2**60)
GROUPS = st.lists(st.lists(VALUE, min_size=1, max_size=6), min_size=1, max_size=40)


@given(GROUPS)
def test_each_group_gets_its_own_running_sum(groups: list[list[int]]) -> None:
    keys = [key for key, values in enumerate(groups) for _ in values]
    values = [value for values in groups for value in values]
    frame = pl.DataFrame({KEY: keys, "v": values}, schema={KEY: pl.Int64, "v": pl.Int64})
    got = frame.select(group_cum_sum(pl.col("v")))["v"].to_list()
    assert got == [total for values in groups for total in accumulate(values)]


def test_the_whole_column_passes_2_63() -> None:
    """The case the property is for, written out: 16 groups of 2**60 + 1, then a group of 5."""
    groups = [[2**60, 1]] * 16 + [[2, 3]]
    keys = [key for key, values in enumerate(groups) for _ in values]
    values = [value for values in groups for value in values]
    assert sum(values) > 2**63
    frame = pl.DataFrame({KEY: keys, "v": values}, schema={KEY: pl.Int64, "v": pl.Int64})
    assert frame.select(group_cum_sum(pl.col("v")))["v"].to_list()[-2:] == [2, 5]
