"""``fct_yearly_events`` stored in two parts (``planalign_core.store.parts``): every column of
every payload is stored with its type, the view gives back exactly what was written, and a row
that would lose a value is refused, named, with nothing written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from planalign_core.errors import StoreError
from planalign_core.events.columnar import (
    ENVELOPE_COLUMNS,
    PAYLOAD_COLUMNS_BY_TYPE,
    conform,
)
from planalign_core.events.synthetic import synthetic_events
from planalign_core.events.types import EventType
from planalign_core.store import EVENTS_TABLE, Database
from planalign_core.store.keyed import KEYED_COLUMNS, RUN_KEY, rows_table, stores_of
from planalign_core.store.parts import EVENT_PARTS

SCENARIO = "synthetic"


def part_of(event_type: str) -> str:
    (name,) = (part.name for part in EVENT_PARTS if event_type in part.types)
    return name


def test_each_type_is_stored_in_one_part_with_every_column_of_its_payload() -> None:
    for event_type in EventType:
        (part,) = (p for p in EVENT_PARTS if event_type.value in p.types)
        needed = {*ENVELOPE_COLUMNS, *PAYLOAD_COLUMNS_BY_TYPE[event_type.value]}
        assert needed <= set(part.columns), event_type
    assert {part_of(t.value) for t in EventType} == {"people", "money"}
    assert part_of("hire") == part_of("enrollment") != part_of("contribution")


def test_a_runs_events_read_back_whole_and_each_part_holds_its_own_rows_and_columns() -> None:
    events = synthetic_events(240, seed=5, scenario_id=SCENARIO)
    with Database(":memory:") as db:
        with db.transaction():
            db.replace_scenario_rows(EVENTS_TABLE, events.head(100), SCENARIO)
            db.append(EVENTS_TABLE, events.slice(100))
        back = db.read_events()
        stored = {rows: db.columns(rows) for rows, _ in stores_of(EVENTS_TABLE)}
        types = {
            rows: set(db.query(f'SELECT DISTINCT event_type FROM "{rows}"')["event_type"])
            for rows in stored
        }
    assert_frame_equal(back.sort("event_id"), events.sort("event_id"))
    for part in EVENT_PARTS:
        rows = rows_table(f"{EVENTS_TABLE}__{part.name}")
        kept = [c for c in part.columns if c not in KEYED_COLUMNS]
        assert list(stored[rows]) == [RUN_KEY, *kept]
        assert types[rows] == set(part.types)
    assert rows_table(EVENTS_TABLE) not in stored


def test_a_value_in_a_column_of_another_types_payload_is_refused_named_nothing_written() -> None:
    events = synthetic_events(60, seed=6, scenario_id=SCENARIO)
    hire = events.filter(pl.col("event_type") == "hire")["event_id"][0]
    bad = events.with_columns(
        amount=pl.when(pl.col("event_id") == hire).then(pl.col("annual_compensation"))
    )
    with Database(":memory:") as db:
        with pytest.raises(StoreError, match=f"event {hire} \\(hire\\) has a value in 'amount'"):
            db.replace_scenario_rows(EVENTS_TABLE, bad, SCENARIO)
        assert not db.has_table(EVENTS_TABLE)
        db.replace_scenario_rows(EVENTS_TABLE, events, SCENARIO)
        assert db.scalar(f'SELECT count(*) FROM "{EVENTS_TABLE}"') == events.height


def test_an_event_type_no_part_stores_is_refused_named() -> None:
    events = synthetic_events(10, seed=7, scenario_id=SCENARIO)
    bad = events.with_columns(
        event_type=pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("bonus"))
        .otherwise(pl.col("event_type"))
    )  # fmt: skip
    with (
        Database(":memory:") as db,
        pytest.raises(StoreError, match=f"event {events['event_id'][3]}: event_type 'bonus'"),
    ):
        db.replace_scenario_rows(EVENTS_TABLE, bad, SCENARIO)


def test_an_id_already_stored_is_skipped_whatever_part_it_is_stored_in() -> None:
    events = synthetic_events(80, seed=8)
    people = events.filter(pl.col("event_type").is_in(EVENT_PARTS[0].types)).head(1)
    money = events.filter(pl.col("event_type").is_in(EVENT_PARTS[1].types)).head(1)
    retyped = conform(money.with_columns(event_id=people["event_id"]))  # same id, other part
    with Database(":memory:") as db:
        db.ingest_events(people)
        again = db.ingest_events(retyped)
        back = db.read_events()
    assert again.inserted == 0
    assert back["event_type"].to_list() == people["event_type"].to_list()


def test_a_write_without_event_type_is_refused_named() -> None:
    events = synthetic_events(5, seed=10, scenario_id=SCENARIO).drop("event_type")
    with (
        Database(":memory:") as db,
        pytest.raises(StoreError, match="has no event_type column"),
    ):
        db.replace_scenario_rows(EVENTS_TABLE, events, SCENARIO)


@pytest.mark.parametrize(
    ("older", "column"),
    [
        (rows_table(EVENTS_TABLE), "run_key INTEGER"),  # the keyed layout, events in one table
        (EVENTS_TABLE, "event_id UUID"),  # the wide layout before it
    ],
)
def test_a_file_with_an_older_events_layout_is_refused_named(
    tmp_path: Path, older: str, column: str
) -> None:
    path = tmp_path / "older.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(f'CREATE TABLE "{older}" ({column})')
    events = synthetic_events(5, seed=9, scenario_id=SCENARIO)
    with (
        Database(path) as db,
        pytest.raises(StoreError, match=f"{older} is a table in"),
    ):
        db.replace_scenario_rows(EVENTS_TABLE, events, SCENARIO)
