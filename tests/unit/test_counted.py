"""Counts in the commands' one-line reports: the noun singular for exactly one, the number as
scripts read it ("1 row", "0 rows", "1037046 rows")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planalign_core.commands import counted


def test_one_is_singular_and_the_rest_plural() -> None:
    assert counted(1, "row") == "1 row"
    assert counted(0, "row") == "0 rows"
    assert counted(2, "valid event") == "2 valid events"
    assert counted(1_037_046, "row") == "1037046 rows"


@given(st.integers(0, 10**12))
def test_the_count_reads_back(count: int) -> None:
    number, noun = counted(count, "event").split(" ")
    assert int(number) == count
    assert noun == ("event" if count == 1 else "events")
