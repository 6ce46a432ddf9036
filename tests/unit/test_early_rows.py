"""``engines.contract.EarlyRows``: the first rows of a year's tables handed to the store before
the year is complete, and the Polars engine's offers of them (the first year's workforce
tables, before its money is computed)."""

from __future__ import annotations

import polars as pl
import pytest

from planalign_core.census import synthesize_census
from planalign_core.config import load_config
from planalign_core.engines import polars_engine
from planalign_core.engines.contract import EarlyRows, RunKeys
from planalign_core.store.tables import ACCUMULATOR_TABLE, EVENTS_TABLE, SNAPSHOT_TABLE

ROWS = pl.DataFrame({"x": range(10)})


def test_without_a_store_nothing_is_offered_and_the_whole_frame_remains() -> None:
    early = EarlyRows()
    early.offer("t", ROWS.head(4))
    assert early.remainder("t", ROWS) is ROWS


def test_the_remainder_is_what_the_offers_left_once() -> None:
    stored: list[tuple[str, int]] = []
    early = EarlyRows()
    early.connect(lambda table, frame: stored.append((table, frame.height)))
    early.offer("t", ROWS.head(3))
    early.offer("t", ROWS.slice(3, 2))
    early.offer("u", ROWS)
    rest = early.remainder("t", ROWS)
    assert rest is not None
    assert rest.equals(ROWS.slice(5))
    assert early.remainder("u", ROWS) is None  # every row was offered
    assert early.remainder("t", ROWS) is ROWS  # the next year starts with nothing offered
    assert stored == [("t", 3), ("t", 2), ("u", 10)]


def test_more_rows_offered_than_the_year_has_is_an_engine_bug() -> None:
    early = EarlyRows()
    early.connect(lambda table, frame: None)
    early.offer("t", ROWS)
    with pytest.raises(ValueError, match="t: 10 rows offered early, the year has 4"):
        early.remainder("t", ROWS.head(4))


def test_the_first_years_workforce_tables_are_offered_before_it_is_yielded() -> None:
    """Each offer is a prefix of the first year's frame of its table, offered before that
    year reaches the caller; later years offer nothing (their stores wait for the year
    before); offers and remainders together are the year's whole tables."""
    config = load_config(None)
    keys = RunKeys(7, "early", config.plan_design_id, 2025, 3)
    run = polars_engine.run(synthesize_census(300, 7, 2025, config), config, keys)
    yielded: list[int] = []
    first_events = 0
    offers: list[tuple[str, pl.DataFrame, int]] = []
    run.early.connect(lambda table, frame: offers.append((table, frame, len(yielded))))
    for year in run.years:
        for table, whole in year.frames.items():
            offered = [frame for name, frame, _ in offers if name == table]
            if year.year != keys.start_year or not offered:
                assert run.early.remainder(table, whole) is whole
                continue
            rest = run.early.remainder(table, whole)
            parts = [*offered, *([] if rest is None else [rest])]
            assert pl.concat(parts).equals(whole), table
        first_events = first_events or year.frames[EVENTS_TABLE].height
        yielded.append(year.year)
    assert [(table, before) for table, _, before in offers] == [
        (EVENTS_TABLE, 0),
        (SNAPSHOT_TABLE, 0),
        (ACCUMULATOR_TABLE, 0),
    ]
    assert 0 < offers[0][1].height < first_events  # the money's events came after
    assert "contribution" not in offers[0][1]["event_type"].to_list()
