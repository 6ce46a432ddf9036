"""``engines.contract.EarlyRows``, as a property: whatever prefixes of a year's table an engine
offers and whichever of them the store takes, what the store took and then the remainder are
the whole table, in order, each row once."""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.engines.contract import EarlyRows


@st.composite
def offers(draw: st.DrawFn) -> tuple[int, list[int], list[bool]]:
    """A table's height, the heights of the consecutive slices offered, and which the store
    takes: once it declines, it declines the rest (an engine offers the next rows only of a
    table whose earlier rows were taken)."""
    height = draw(st.integers(0, 60))
    cuts = sorted(draw(st.lists(st.integers(0, height), max_size=4)))
    sizes = [b - a for a, b in itertools.pairwise([0, *cuts])]
    taken = draw(st.integers(0, len(sizes)))
    return height, sizes, [i < taken for i in range(len(sizes))]


@given(offers())
def test_what_was_taken_and_the_remainder_are_the_whole_table(
    case: tuple[int, list[int], list[bool]],
) -> None:
    height, sizes, takes = case
    whole = pl.DataFrame({"row": range(height)}, schema={"row": pl.Int64})
    answers = iter(takes)
    stored: list[pl.DataFrame] = []

    def store(table: str, frame: pl.DataFrame) -> bool:
        took = next(answers)
        if took:
            stored.append(frame)
        return took

    early = EarlyRows()
    early.connect(store)
    start = 0
    for size in sizes:
        early.offer("t", whole.slice(start, size))
        start += size
    rest = early.remainder("t", whole)
    if rest is not None:
        stored.append(rest)
    assert pl.concat([whole.clear(), *stored]).equals(whole)
