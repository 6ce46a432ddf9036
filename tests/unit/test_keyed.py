"""A run's constant columns stored once, as a key (``planalign_core.store.keyed``): the view of
a table's name gives back exactly what was written, scenario by scenario, and nothing else."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from planalign_core.errors import StoreError
from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import EVENTS_TABLE, Database, keyed
from planalign_core.store.keyed import KEYS_TABLE, RUN_KEY, rows_table, sql_literal
from planalign_core.store.tables import BALANCES_TABLE

TABLE = BALANCES_TABLE  # a keyed table (any of a run's tables)


def run_rows(scenario: str, plan: str, values: list[int]) -> pl.DataFrame:
    """A run's rows as an engine hands them over: the constants first, then the figures."""
    n = len(values)
    return pl.DataFrame(
        {
            "scenario_id": [scenario] * n,
            "plan_design_id": [plan] * n,
            "employee_id": [f"E{v}" for v in values],
            "amount": values,
        },
        schema={"scenario_id": pl.String, "plan_design_id": pl.String,
                "employee_id": pl.String, "amount": pl.Int64},
    )  # fmt: skip


def test_the_view_gives_back_what_was_written_and_the_rows_table_holds_a_key() -> None:
    frame = run_rows("default", "standard", [1, 2, 3])
    with Database(":memory:") as db:
        db.replace_scenario_rows(TABLE, frame, "default")
        db.append(TABLE, run_rows("default", "standard", [4]))
        back = db.query(f'SELECT * FROM "{TABLE}" ORDER BY amount')
        stored = db.columns(rows_table(TABLE))
        keys = db.execute(f"SELECT * FROM {KEYS_TABLE}")
    expected = pl.concat([frame, run_rows("default", "standard", [4])])
    assert_frame_equal(back, expected)
    assert list(stored) == [RUN_KEY, "scenario_id", "employee_id", "amount"]
    assert keys == [(1, "standard", None)]


def test_scenarios_share_a_table_and_a_rerun_replaces_only_its_own() -> None:
    with Database(":memory:") as db:
        db.replace_scenario_rows(TABLE, run_rows("a", "standard", [1, 2]), "a")
        db.replace_scenario_rows(TABLE, run_rows("b", "richer", [3]), "b")
        db.replace_scenario_rows(TABLE, run_rows("a", "standard", [4]), "a")
        rows = db.query(f'SELECT scenario_id, plan_design_id, amount FROM "{TABLE}" ORDER BY 3')
        only_b = db.scalar(f"SELECT count(*) FROM \"{TABLE}\" WHERE scenario_id = 'b'")
    assert rows.rows() == [("b", "richer", 3), ("a", "standard", 4)]
    assert only_b == 1


def test_a_quote_in_a_scenario_id_is_data_in_the_views_text() -> None:
    hostile = "O'Brien'); DROP TABLE x; --"
    assert sql_literal("it's") == "'it''s'"
    with Database(":memory:") as db:
        db.replace_scenario_rows(TABLE, run_rows(hostile, "standard", [1]), hostile)
        assert db.query(f'SELECT scenario_id FROM "{TABLE}"')["scenario_id"].to_list() == [hostile]


def test_a_write_holding_two_plan_designs_is_refused_named() -> None:
    mixed = pl.concat([run_rows("a", "standard", [1]), run_rows("a", "richer", [2])])
    with (
        Database(":memory:") as db,
        pytest.raises(StoreError, match="more than one plan_design_id"),
    ):
        db.replace_scenario_rows(TABLE, mixed, "a")


def test_an_older_files_wide_table_is_refused_named(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(f'CREATE TABLE "{TABLE}" (scenario_id VARCHAR, amount BIGINT)')
    with Database(path) as db, pytest.raises(StoreError, match=f"{TABLE} is a table in"):
        db.replace_scenario_rows(TABLE, run_rows("a", "standard", [1]), "a")


def test_a_failed_run_leaves_no_key_no_view_and_a_later_run_works() -> None:
    with Database(":memory:") as db:
        with pytest.raises(RuntimeError), db.transaction():
            db.replace_scenario_rows(TABLE, run_rows("a", "standard", [1]), "a")
            raise RuntimeError("the run failed")
        assert not db.has_table(TABLE)
        assert not db.has_table(KEYS_TABLE)
        db.replace_scenario_rows(TABLE, run_rows("a", "standard", [2]), "a")
        assert db.query(f'SELECT amount FROM "{TABLE}"')["amount"].to_list() == [2]


def test_an_empty_first_write_leaves_an_empty_view_of_the_layout() -> None:
    with Database(":memory:") as db:
        db.replace_scenario_rows(TABLE, run_rows("a", "standard", []), "a")
        empty = db.query(f'SELECT * FROM "{TABLE}"')
        db.append(TABLE, run_rows("a", "standard", [5]))
        later = db.query(f'SELECT scenario_id, amount FROM "{TABLE}"')
    assert empty.columns == ["scenario_id", "plan_design_id", "employee_id", "amount"]
    assert empty.height == 0
    assert later.rows() == [("a", 5)]


def test_ingested_events_of_two_sources_get_a_key_each_and_read_back_whole() -> None:
    events = synthetic_events(60, seed=3)
    mixed = events.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.lit("payroll"))
        .otherwise(pl.col("source_system"))
        .alias("source_system")
    )
    with Database(":memory:") as db:
        first = db.ingest_events(mixed)
        again = db.ingest_events(mixed)
        back = db.read_events()
        keys = db.execute(f"SELECT source_system FROM {KEYS_TABLE} ORDER BY {RUN_KEY}")
    assert (first.inserted, again.inserted) == (60, 0)
    assert sorted(k for (k,) in keys) == sorted({"payroll", *events["source_system"].unique()})
    assert_frame_equal(back.sort("event_id"), mixed.sort("event_id"), check_column_order=False)


def test_the_events_view_keeps_the_columnar_layouts_order() -> None:
    with Database(":memory:") as db:
        db.ingest_events(synthetic_events(12, seed=4))
        columns = list(db.columns(EVENTS_TABLE))
    assert columns[:3] == ["event_id", "scenario_id", "plan_design_id"]
    assert columns[8] == "source_system"


def test_a_table_without_the_keyed_columns_is_stored_under_one_key() -> None:
    frame = pl.DataFrame({"scenario_id": ["a", "a"], "amount": [1, 2]})
    with Database(":memory:") as db:
        db.replace_scenario_rows(TABLE, frame, "a")
        back = db.query(f'SELECT * FROM "{TABLE}" ORDER BY amount')
        keys = db.execute(f"SELECT * FROM {KEYS_TABLE}")
    assert_frame_equal(back, frame)
    assert keys == [(1, None, None)]


def test_a_tables_first_write_in_a_run_keeps_the_streamed_insert_threads() -> None:
    """A table's first write in a run makes its rows table and view (``catalog_only``
    statements) and inserts its rows on STREAMED_THREADS: after the run's earlier streamed
    inserts, DuckDB's thread setting is not changed at all; a statement that scans sets the
    connection's ``threads`` again. The rows are the ones written."""
    changes: list[int] = []
    with Database(":memory:", threads=2) as db, db.transaction():
        db.replace_scenario_rows(EVENTS_TABLE, synthetic_events(3, seed=1, scenario_id="s"), "s")
        original = db._use_threads

        def counted(threads: int) -> None:
            if threads != db._threads_now:
                changes.append(threads)
            original(threads)

        db._use_threads = counted  # type: ignore[method-assign]
        db.replace_scenario_rows(TABLE, run_rows("s", "standard", [1, 2]), "s")
        db.append(TABLE, run_rows("s", "standard", [3]))
        assert changes == []
        assert db.query(f'SELECT sum(amount) AS total FROM "{TABLE}"')["total"].item() == 6
        assert changes == [2]


def test_a_writes_keyed_column_is_checked_whole_and_a_constant_stays_one_value() -> None:
    """``strings_of`` refuses a second value and a missing one, named, and reads a Polars
    constant column (as an engine hands its keyed columns over) without writing it out."""
    mixed = pl.concat([run_rows("a", "standard", [1]), run_rows("a", "richer", [2])])
    with pytest.raises(StoreError, match=r"more than one plan_design_id \(first 'standard'\)"):
        keyed.strings_of(TABLE, mixed)
    unnamed = run_rows("a", "x", [1, 2]).with_columns(plan_design_id=pl.lit(None, pl.String))
    with pytest.raises(StoreError, match="plan_design_id is missing"):
        keyed.strings_of(TABLE, unnamed)
    with pytest.raises(StoreError, match="more than one plan_design_id"):
        keyed.strings_of(TABLE, pl.concat([run_rows("a", "standard", [1]), unnamed.head(1)]))
    constant = pl.DataFrame({"amount": range(200_000)}).with_columns(
        scenario_id=pl.lit("a"), plan_design_id=pl.lit("standard")
    )
    before = constant.estimated_size()
    assert keyed.strings_of(TABLE, constant) == ("standard", None)
    assert constant.estimated_size() == before
