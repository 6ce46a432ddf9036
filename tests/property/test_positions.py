"""``polars_engine.ids.positions``: each row's 1-based place among its key's rows by the
order column, computed without moving the rows. Checked against a plain Python count, and
for independence of the rows' order (the numbering must not depend on how parts were
concatenated)."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.engines.polars_engine.ids import positions

# (key, order) pairs in any row order; the order unique and sorting by key first, as the
# engine's order keys do (the key in the high bits, here times 100_000)
ROWS = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 99_999)), max_size=60, unique_by=lambda r: r
).map(lambda pairs: [(k, k * 100_000 + o) for k, o in pairs])


def frame_of(rows: list[tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"k": [k for k, _ in rows], "o": [o for _, o in rows]},
        schema={"k": pl.Int64, "o": pl.Int64},
    )


@given(ROWS)
def test_each_row_is_numbered_by_its_place_among_its_keys_rows(rows: list[tuple[int, int]]) -> None:
    got = positions(frame_of(rows), pl.col("o"), "k").to_list()
    expected = [sum(1 for k2, o2 in rows if k2 == k and o2 <= o) for k, o in rows]
    assert got == expected


@given(ROWS, st.randoms(use_true_random=False))
def test_the_numbering_follows_the_rows_wherever_they_stand(
    rows: list[tuple[int, int]], random: object
) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    by_row = dict(zip(rows, positions(frame_of(rows), pl.col("o"), "k").to_list(), strict=True))
    again = positions(frame_of(shuffled), pl.col("o"), "k").to_list()
    assert again == [by_row[row] for row in shuffled]
