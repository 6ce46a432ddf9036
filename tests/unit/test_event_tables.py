"""Events stored by payload family (``store/event_tables.py``): each family's table holds only its
own columns, the view of ``fct_yearly_events`` gives back exactly the rows written, and a file
written in the wide layout moves to the family tables without losing or changing a row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from planalign_core.errors import StoreError
from planalign_core.events.columnar import EVENT_FAMILIES, FAMILY_COLUMNS, PAYLOAD_COLUMNS_BY_TYPE
from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import EVENTS_TABLE, Database
from planalign_core.store.event_tables import FAMILY_TABLES
from planalign_core.store.tables import EVENT_COLUMN_TYPES, create_table_sql


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    """300 valid events of all twelve types."""
    return synthetic_events(300, seed=3)


def sorted_by_id(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("event_id")


def test_every_event_type_has_one_family_holding_its_payload_columns() -> None:
    families_of = [f for types in EVENT_FAMILIES.values() for f in types]
    assert sorted(families_of) == sorted(PAYLOAD_COLUMNS_BY_TYPE)  # each type once
    for family, types in EVENT_FAMILIES.items():
        for event_type in types:
            assert set(PAYLOAD_COLUMNS_BY_TYPE[event_type]) <= set(FAMILY_COLUMNS[family])


def test_a_family_table_stores_only_its_own_columns(frame: pl.DataFrame) -> None:
    with Database(":memory:") as db:
        db.ingest_events(frame)
        for family, table in FAMILY_TABLES.items():
            assert list(db.columns(table)) == list(FAMILY_COLUMNS[family])
            types = db.query(f'SELECT DISTINCT event_type FROM "{table}"')["event_type"]
            assert set(types) == set(EVENT_FAMILIES[family])
        assert db.columns(EVENTS_TABLE) == EVENT_COLUMN_TYPES  # the view: the wide layout


def test_the_view_gives_back_the_rows_written(frame: pl.DataFrame) -> None:
    scenario = frame["scenario_id"][0]
    with Database(":memory:") as db:
        db.replace_scenario_rows(EVENTS_TABLE, frame.head(120), scenario)
        db.append(EVENTS_TABLE, frame.slice(120))
        stored = db.read_events()
        assert_frame_equal(sorted_by_id(stored), sorted_by_id(frame))
        db.replace_scenario_rows(EVENTS_TABLE, frame.head(50), scenario)  # replaces, per family
        assert_frame_equal(sorted_by_id(db.read_events()), sorted_by_id(frame.head(50)))


def test_a_wide_table_of_an_older_file_moves_to_the_families(
    tmp_path: Path, frame: pl.DataFrame
) -> None:
    path = tmp_path / "old.duckdb"
    with Database(path) as db:  # as planalign wrote the events before the families
        db.execute(create_table_sql(EVENTS_TABLE, EVENT_COLUMN_TYPES))
        db.over_frame(frame, f'INSERT INTO "{EVENTS_TABLE}" BY NAME SELECT * FROM {{frame}}')
    with Database(path) as db:
        with pytest.raises(RuntimeError), db.transaction():  # a failed run keeps the old table
            db.ensure_events_table()
            raise RuntimeError("the run failed")
        wide = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?"
        assert db.scalar(wide, [EVENTS_TABLE]) == 1
        assert db.ingest_events(frame).inserted == 0  # every id already there
        assert db.scalar(wide, [EVENTS_TABLE]) == 0  # a view now
        assert_frame_equal(sorted_by_id(db.read_events()), sorted_by_id(frame))


def test_a_row_of_no_family_is_refused(frame: pl.DataFrame) -> None:
    stray = frame.head(3).with_columns(pl.lit("bonus").alias("event_type"))
    with Database(":memory:") as db, pytest.raises(StoreError, match="'bonus' is no event type"):
        db.append(EVENTS_TABLE, pl.concat([frame.head(5), stray]))
