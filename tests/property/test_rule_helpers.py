"""The rule helpers the census and the hires share (``rules.draws.day_in_year``,
``rules.levels``), each checked row by row against the rules' formula computed in plain Python
with ``rng.bounded`` (docs/rules.md, "Synthesising a census" and "Hires")."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.config import Level
from planalign_core.rng import bounded
from planalign_core.rules.draws import day_in_year
from planalign_core.rules.levels import by_level, pay_cents

DRAWS = st.integers(0, 2**32 - 1)


def _level(number: int, pay_min: int, pay_span: int) -> Level:
    return Level.model_validate(
        {
            "level": number,
            "pay_min": pay_min,
            "pay_max": pay_min + pay_span,
            "census_weight": "0",
            "hire_weight": "0",
            "merit_rate": "0",
            "promotion_rate": "0",
            "termination_adjustment": "0",
            "census_age_min": 20,
            "census_age_max": 60,
            "census_max_tenure": 10,
        }
    )


@given(st.lists(st.tuples(st.integers(1900, 2400), DRAWS), min_size=1, max_size=40))
def test_a_drawn_day_is_the_rules_day_of_its_year(rows: list[tuple[int, int]]) -> None:
    frame = pl.DataFrame(rows, schema={"year": pl.Int64, "u": pl.UInt64}, orient="row")
    got = frame.select(day_in_year("u", pl.col("year")).alias("d"))["d"].to_list()
    expected = [
        dt.date(year, 1, 1) + dt.timedelta(days=bounded(u, 366 if _leap(year) else 365))
        for year, u in rows
    ]
    assert got == expected
    assert all(day.year == year for day, (year, _) in zip(got, rows, strict=True))


def _leap(y: int) -> bool:
    return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0


BANDS = st.lists(
    st.tuples(st.integers(0, 500_000), st.integers(0, 300_000)), min_size=1, max_size=6
)


@given(BANDS, st.data())
def test_a_drawn_pay_is_the_rules_pay_of_its_level(
    bands: list[tuple[int, int]], data: st.DataObject
) -> None:
    levels = [_level(i + 1, low, span) for i, (low, span) in enumerate(bands)]
    rows = data.draw(
        st.lists(st.tuples(st.integers(1, len(levels)), DRAWS), min_size=1, max_size=40)
    )
    frame = pl.DataFrame(rows, schema={"job_level": pl.Int16, "u": pl.UInt64}, orient="row")
    got = frame.select(pay_cents(pl.col("job_level"), levels, "u").alias("p"))["p"].to_list()
    expected = [100 * (bands[lv - 1][0] + bounded(u, bands[lv - 1][1] + 1)) for lv, u in rows]
    assert got == expected
    for pay, (lv, _) in zip(got, rows, strict=True):
        low, span = bands[lv - 1]
        assert 100 * low <= pay <= 100 * (low + span)


@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=8), st.data())
def test_a_level_reads_its_own_value(values: list[int], data: st.DataObject) -> None:
    levels = data.draw(st.lists(st.integers(1, len(values)), min_size=1, max_size=30))
    frame = pl.DataFrame({"level": levels}, schema={"level": pl.Int16})
    got = frame.select(by_level(pl.col("level"), values).alias("v"))["v"].to_list()
    assert got == [values[level - 1] for level in levels]
