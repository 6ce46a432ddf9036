"""``engines.contract.EarlyRows``: the first rows of a year's tables handed to the store before
the year is complete, and the Polars engine's offers of them (a year's workforce tables,
before its money is computed)."""

from __future__ import annotations

import polars as pl
import pytest

from planalign_core.census import synthesize_census
from planalign_core.config import load_config
from planalign_core.engines import polars_engine
from planalign_core.engines.contract import EarlyRows, RunKeys
from planalign_core.store.tables import ACCUMULATOR_TABLE, EVENTS_TABLE, SNAPSHOT_TABLE

ROWS = pl.DataFrame({"x": range(10)})


def taking(stored: list[tuple[str, int]], declined: tuple[str, ...] = ()) -> EarlyRows:
    """EarlyRows whose store records what it takes and declines the tables named."""

    def store(table: str, frame: pl.DataFrame) -> bool:
        if table in declined:
            return False
        stored.append((table, frame.height))
        return True

    early = EarlyRows()
    early.connect(store)
    return early


def test_without_a_store_nothing_is_offered_and_the_whole_frame_remains() -> None:
    early = EarlyRows()
    early.offer("t", ROWS.head(4))
    assert early.remainder("t", ROWS) is ROWS


def test_the_remainder_is_what_the_store_took_once() -> None:
    stored: list[tuple[str, int]] = []
    early = taking(stored)
    early.offer("t", ROWS.head(3))
    early.offer("t", ROWS.slice(3, 2))
    early.offer("u", ROWS)
    rest = early.remainder("t", ROWS)
    assert rest is not None
    assert rest.equals(ROWS.slice(5))
    assert early.remainder("u", ROWS) is None  # every row was taken
    assert early.remainder("t", ROWS) is ROWS  # the next year starts with nothing taken
    assert stored == [("t", 3), ("t", 2), ("u", 10)]


def test_an_offer_the_store_declines_comes_again_with_the_whole_frame() -> None:
    stored: list[tuple[str, int]] = []
    early = taking(stored, declined=("u",))
    early.offer("t", ROWS.head(4))
    early.offer("u", ROWS.head(4))
    assert early.remainder("u", ROWS) is ROWS
    rest = early.remainder("t", ROWS)
    assert rest is not None
    assert rest.equals(ROWS.slice(4))
    assert stored == [("t", 4)]


def test_more_rows_taken_than_the_year_has_is_an_engine_bug() -> None:
    early = taking([])
    early.offer("t", ROWS)
    with pytest.raises(ValueError, match="t: 10 rows taken early, the year has 4"):
        early.remainder("t", ROWS.head(4))


def test_each_years_workforce_tables_are_offered_before_it_is_yielded() -> None:
    """Every year offers its workforce's events (before the money's), its snapshot and its
    accumulator after the year before was yielded and before it is; each offer is a prefix of
    the year's frame of its table, and offers and remainders together are the whole tables."""
    config = load_config(None)
    keys = RunKeys(7, "early", config.plan_design_id, 2025, 3)
    run = polars_engine.run(synthesize_census(300, 7, 2025, config), config, keys)
    yielded: list[int] = []
    offers: list[tuple[str, pl.DataFrame, int]] = []

    def store(table: str, frame: pl.DataFrame) -> bool:
        offers.append((table, frame, len(yielded)))
        return True

    run.early.connect(store)
    for year in run.years:
        mine = [(table, frame) for table, frame, before in offers if before == len(yielded)]
        assert [table for table, _ in mine] == [EVENTS_TABLE, SNAPSHOT_TABLE, ACCUMULATOR_TABLE]
        for table, whole in year.frames.items():
            offered = [frame for name, frame in mine if name == table]
            rest = run.early.remainder(table, whole)
            parts = [*offered, *([] if rest is None else [rest])]
            assert pl.concat(parts).equals(whole), table
        events = dict(mine)[EVENTS_TABLE]
        assert 0 < events.height < year.frames[EVENTS_TABLE].height  # the money's came after
        assert "contribution" not in events["event_type"].to_list()
        yielded.append(year.year)
    assert yielded == [2025, 2026, 2027]
    assert len(offers) == 9
