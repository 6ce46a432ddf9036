"""The DuckDB store: exact round trip of events, idempotent ingest, all-or-nothing writes.

"Unchanged" is checked on the file itself: after a rejected batch, or an exception inside
``db.transaction()``, the closed DuckDB file has the same bytes (and no write-ahead log) as
before, and holds the same rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from planalign_core.errors import StoreError
from planalign_core.events import SimulationEvent, events_to_frame, frame_to_events
from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import EVENTS_TABLE, Database
from planalign_core.store.database import _open_hint
from planalign_core.store.tables import EVENT_COLUMN_TYPES
from tests.strategies import event_batches

Batch = list[SimulationEvent]


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    """400 valid events of all twelve types (shared: generating them is the slow part)."""
    return synthetic_events(400, seed=1)


@pytest.fixture
def stored(db_path: Path, frame: pl.DataFrame) -> Path:
    """A closed DuckDB file holding the first 300 events."""
    with Database(db_path) as db:
        db.ingest_events(frame.head(300))
    return db_path


def file_state(path: Path) -> tuple[str, bool]:
    """The closed file's bytes (hashed) and whether a write-ahead log was left beside it."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), Path(f"{path}.wal").exists()


def stored_rows(path: Path) -> pl.DataFrame:
    with Database(path) as db:
        return db.read_events()


def by_id(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("event_id")


def with_value(frame: pl.DataFrame, row: int, column: str, value: object) -> pl.DataFrame:
    """``frame`` with one cell replaced."""
    dtype = frame.schema[column]
    new = pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value, dtype=dtype))
    return frame.with_columns(new.otherwise(pl.col(column)).alias(column))


# --- round trip and idempotence (hypothesis, in memory) -------------------------------------

# A fresh DuckDB database an example (about 0.17 s each): 60 examples, not the ci profile's 100,
# keep these three under 15 s together; the models' own round trip (no DuckDB) runs the
# profile's count in tests/property/test_event_roundtrip.py.
IN_DUCKDB = settings(max_examples=60)


@IN_DUCKDB
@given(event_batches())
def test_rows_round_trip_through_duckdb(batch: Batch) -> None:
    """models -> rows -> DuckDB -> rows -> models is the identity (ids, text, decimals,
    dates of every payload type)."""
    rows = events_to_frame(batch)
    with Database(":memory:") as db:
        db.ingest_events(rows)
        back = db.read_events()
    assert_frame_equal(by_id(back), by_id(rows))
    key = lambda e: e.event_id  # noqa: E731
    assert sorted(frame_to_events(back), key=key) == sorted(batch, key=key)


@IN_DUCKDB
@given(event_batches())
def test_ingesting_twice_adds_nothing(batch: Batch) -> None:
    """The second ingest of a batch inserts 0 and reports every event as already present."""
    rows = events_to_frame(batch)
    with Database(":memory:") as db:
        first = db.ingest_events(rows)
        second = db.ingest_events(rows)
        count = db.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}")
    assert (first.inserted, second.inserted, second.skipped) == (len(batch), 0, len(batch))
    assert count == len(batch)


@IN_DUCKDB
@given(event_batches(), event_batches())
def test_overlapping_batches_add_only_new_ids(first: Batch, second: Batch) -> None:
    """A batch sharing ids with what is stored inserts exactly the ids not stored yet."""
    first_ids = {e.event_id for e in first}
    second_ids = {e.event_id for e in second}
    repeated = [e for e in first[:2] if e.event_id not in second_ids]
    with Database(":memory:") as db:
        db.ingest_events(events_to_frame(first))
        result = db.ingest_events(events_to_frame(second + repeated))
        stored = set(db.query(f"SELECT event_id FROM {EVENTS_TABLE}")["event_id"].to_list())
    new_ids = second_ids - first_ids
    assert result.inserted == len(new_ids)
    assert {str(i) for i in stored} == {str(i) for i in first_ids | new_ids}


def test_stored_column_types_are_exact() -> None:
    """The table stores ids as UUID, money as DECIMAL(18,2), rates as DECIMAL(5,4)."""
    with Database(":memory:") as db:
        db.ensure_events_table()
        types = dict(
            db.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                [EVENTS_TABLE],
            )
        )
    assert types == EVENT_COLUMN_TYPES
    assert (types["event_id"], types["amount"], types["pre_tax_rate"]) == (
        "UUID",
        "DECIMAL(18,2)",
        "DECIMAL(5,4)",
    )


def test_file_round_trip_in_natural_order(db_path: Path, frame: pl.DataFrame) -> None:
    """A file store reads back every row, ordered by scenario, employee, year and sequence."""
    with Database(db_path) as db:
        db.ingest_events(frame.sample(fraction=1.0, shuffle=True, seed=5))
    natural = ["scenario_id", "plan_design_id", "employee_id", "simulation_year", "event_sequence"]
    assert_frame_equal(stored_rows(db_path), frame.sort(natural))


# --- rejected batches leave the file as it was ----------------------------------------------


def test_repeated_id_in_batch_rejected(stored: Path, frame: pl.DataFrame) -> None:
    """A batch holding one event_id twice is rejected naming the id; nothing is written."""
    before = file_state(stored)
    batch = pl.concat([frame.slice(300, 50), frame.slice(310, 1)])
    with Database(stored) as db, pytest.raises(StoreError) as info:
        db.ingest_events(batch)
    assert f"event_id {frame['event_id'][310]} 2 times" in str(info.value)
    assert "nothing was written" in str(info.value)
    assert file_state(stored) == before
    assert_frame_equal(by_id(stored_rows(stored)), by_id(frame.head(300)))


@pytest.mark.parametrize("bad_id", [None, "not-a-uuid", "0190a8b2-7c1d-8e3f-9a4b"])
def test_bad_event_id_rejected(stored: Path, frame: pl.DataFrame, bad_id: str | None) -> None:
    """A row whose event_id is missing or not a UUID is rejected naming its row and the
    field; nothing of the batch is written (a null id would be stored again on every ingest)."""
    before = file_state(stored)
    batch = with_value(frame.slice(300, 100), 7, "event_id", bad_id)
    with Database(stored) as db, pytest.raises(StoreError) as info:
        db.ingest_events(batch)
    assert f"row 7: event_id: {bad_id!r} is not a UUID" in str(info.value)
    assert file_state(stored) == before


def test_unknown_column_rejected(stored: Path, frame: pl.DataFrame) -> None:
    """A frame with a column outside the event layout is rejected naming the column."""
    before = file_state(stored)
    batch = frame.slice(300, 10).with_columns(bonus=pl.lit(1))
    with Database(stored) as db, pytest.raises(ValueError, match=r"\['bonus'\]"):
        db.ingest_events(batch)
    assert file_state(stored) == before


def test_rejected_first_batch_creates_no_table(db_path: Path, frame: pl.DataFrame) -> None:
    """A rejected first ingest leaves a store without the events table."""
    batch = pl.concat([frame.head(5), frame.head(1)])
    with Database(db_path) as db:
        with pytest.raises(StoreError):
            db.ingest_events(batch)
        assert not db.has_table(EVENTS_TABLE)


def test_exception_in_transaction_leaves_file_unchanged(stored: Path, frame: pl.DataFrame) -> None:
    """An exception inside ``db.transaction()`` rolls back the ingests made in it."""
    before = file_state(stored)
    with Database(stored) as db, pytest.raises(RuntimeError, match="boom"), db.transaction():
        assert db.ingest_events(frame.slice(300, 100)).inserted == 100
        raise RuntimeError("boom")
    assert file_state(stored) == before
    assert stored_rows(stored).height == 300


def test_nested_ingests_commit_together(stored: Path, frame: pl.DataFrame) -> None:
    """Ingests inside one transaction join it: both batches land when it commits."""
    with Database(stored) as db, db.transaction():
        db.ingest_events(frame.slice(300, 50))
        db.ingest_events(frame.slice(350, 50))
    assert_frame_equal(by_id(stored_rows(stored)), by_id(frame))


# --- other store errors name what is wrong --------------------------------------------------


def test_read_before_ingest_names_table(db_path: Path) -> None:
    """Reading events from a store without the table says which table and what to do."""
    with Database(db_path) as db, pytest.raises(StoreError, match="fct_yearly_events"):
        db.read_events()


def test_unopenable_file_is_a_store_error(tmp_path: Path) -> None:
    """A path DuckDB cannot open gives a StoreError naming the file."""
    path = tmp_path / "missing-dir" / "x.duckdb"
    with pytest.raises(StoreError, match=r"cannot open .*missing-dir"):
        Database(path)


def test_a_file_that_is_not_a_database_is_named_without_the_lock_hint(tmp_path: Path) -> None:
    """Another program's file: DuckDB's reason, and no advice about a lock nobody holds."""
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"not a database " * 400)
    with pytest.raises(StoreError) as error:
        Database(path)
    message = str(error.value)
    assert "not a valid DuckDB database file. Choose another file with --db" in message
    assert "lock" not in message
    assert path.read_bytes() == b"not a database " * 400  # left as it was


def test_the_lock_hint_is_given_for_a_lock_only() -> None:
    """A held lock gets its advice; a damaged block of a file does not ("block" is no lock)."""
    held = 'Could not set lock on file "x.duckdb": Conflicting lock is held in python (PID 7)'
    assert "holds the DuckDB lock" in _open_hint(held)
    assert "lock" not in _open_hint("Could not read block 12 of x.duckdb").lower()


def _scenario_rows(scenario: str, values: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"scenario_id": [scenario] * len(values), "value": values})


def test_replace_scenario_rows_touches_one_scenario() -> None:
    """Replacing a scenario's rows deletes only its old rows; other scenarios stay."""
    with Database(":memory:") as db:
        db.replace_scenario_rows("t", _scenario_rows("a", [1, 2]), "a")
        db.replace_scenario_rows("t", _scenario_rows("b", [3]), "b")
        db.replace_scenario_rows("t", _scenario_rows("a", [4]), "a")
        rows = db.query("SELECT scenario_id, value FROM t ORDER BY value")
    assert rows.rows() == [("b", 3), ("a", 4)]


def test_replace_scenario_rows_rejects_foreign_rows() -> None:
    """A row of another scenario in a scenario's write is rejected, naming both."""
    mixed = pl.concat([_scenario_rows("a", [1]), _scenario_rows("b", [2])])
    with Database(":memory:") as db, pytest.raises(StoreError, match="'b' in a write for 'a'"):
        db.replace_scenario_rows("t", mixed, "a")


def test_replace_scenario_rows_rejects_changed_layout() -> None:
    """Writing a frame whose column type differs from the stored table names the column;
    the stored rows stay."""
    with Database(":memory:") as db:
        db.replace_scenario_rows("t", _scenario_rows("a", [1]), "a")
        changed = _scenario_rows("a", [2]).with_columns(pl.col("value").cast(pl.String))
        with pytest.raises(StoreError, match="column 'value' is BIGINT in the file, VARCHAR"):
            db.replace_scenario_rows("t", changed, "a")
        assert db.query("SELECT value FROM t")["value"].to_list() == [1]


def _memory_limit(db: Database) -> tuple[str, str, str]:
    """The buffer cap, the block memory kept for reuse and the row groups buffered before
    they are written (all set for a run's writes)."""
    row = db.execute(
        "SELECT current_setting('memory_limit'), current_setting('block_allocator_memory'), "
        "current_setting('write_buffer_row_group_count')"
    )[0]
    return str(row[0]), str(row[1]), str(row[2])


def test_a_run_caps_duckdbs_buffers_while_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's connection holds RUN_MEMORY_LIMIT (the 100k x 5 peak: 1.46 GiB, not 1.62)
    and keeps BLOCK_ALLOCATOR_MEMORY of blocks, and writes each row group as it fills; a
    connection opened without them keeps DuckDB's defaults."""
    from planalign_core import simulate  # noqa: PLC0415
    from planalign_core.store import settings  # noqa: PLC0415
    from planalign_core.store.settings import RUN_MEMORY_LIMIT  # noqa: PLC0415

    with Database(tmp_path / "capped.duckdb", memory_limit=RUN_MEMORY_LIMIT) as capped:
        wanted = _memory_limit(capped)
    with Database(tmp_path / "plain.duckdb") as plain:
        default = _memory_limit(plain)
        assert all(d != w for d, w in zip(default, wanted, strict=True))
        assert wanted[2] == str(settings.RUN_WRITE_BUFFER_ROW_GROUPS)
    seen: list[tuple[str, str]] = []

    class Recording(Database):
        def close(self) -> None:
            seen.append(_memory_limit(self))
            super().close()

    monkeypatch.setattr(simulate, "Database", Recording)
    spec = simulate.RunSpec(years=1, start_year=2025, seed=7, employees=40)
    simulate.run(spec, tmp_path / "run.duckdb")
    assert seen == [wanted]


def test_a_checkpointed_commit_leaves_no_wal_for_the_close(tmp_path: Path) -> None:
    """``transaction(checkpoint=True)`` writes its rows into the file at the commit: no WAL
    waits for the close, and DuckDB's own threshold holds again afterwards. A plain
    transaction's rows wait in the WAL (the case the setting is for)."""
    rows = "CREATE TABLE {} AS SELECT range AS i FROM range(100000)"
    with Database(tmp_path / "plain.duckdb") as db:
        default = db.scalar("SELECT current_setting('checkpoint_threshold')")
        with db.transaction():
            db.execute(rows.format("t"))
        assert (tmp_path / "plain.duckdb.wal").exists()
    with Database(tmp_path / "checkpointed.duckdb") as db:
        with db.transaction(checkpoint=True):
            db.execute(rows.format("t"))
        assert not (tmp_path / "checkpointed.duckdb.wal").exists()
        assert db.scalar("SELECT current_setting('checkpoint_threshold')") == default
        with db.transaction():
            db.execute(rows.format("u"))
        assert (tmp_path / "checkpointed.duckdb.wal").exists()


def test_a_run_commits_with_a_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's one transaction is a checkpointed commit: when the file is closed, nothing of
    the run is left in a WAL."""
    from planalign_core import simulate  # noqa: PLC0415

    wal = tmp_path / "run.duckdb.wal"
    at_close: list[bool] = []

    class Recording(Database):
        def close(self) -> None:
            at_close.append(wal.exists())
            super().close()

    monkeypatch.setattr(simulate, "Database", Recording)
    spec = simulate.RunSpec(years=2, start_year=2025, seed=7, employees=40)
    simulate.run(spec, tmp_path / "run.duckdb")
    assert at_close == [False]


@pytest.mark.parametrize("streamed_rows", [0, 1_000_000], ids=["pyarrow table", "C stream"])
def test_a_statement_may_read_its_frame_twice(
    streamed_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small frame goes to DuckDB as an Arrow C stream, which is read once: DuckDB asks for
    a new one each time the statement reads the frame, so a self-join sees every row twice;
    a large one goes as a pyarrow table, with the same rows."""
    from planalign_core.store import database  # noqa: PLC0415

    monkeypatch.setattr(database, "STREAMED_ROWS", streamed_rows)
    frame = pl.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]})
    with Database(":memory:") as db:
        rows = db.over_frame(
            frame, "SELECT count(*), string_agg(x.v || y.v, ',' ORDER BY x.k) FROM {frame} x "
            "JOIN {frame} y USING (k)",
        )  # fmt: skip
    assert rows == [(3, "aa,bb,cc")]


def test_a_run_stores_its_tables_without_pyarrow_or_numpy(tmp_path: Path) -> None:
    """A small run binds its frames as Arrow C streams and makes its decimals from text, so
    neither pyarrow (0.07-0.14 s of import) nor numpy (0.04 s) is ever loaded. A fresh
    process, since the test session has loaded both."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = (
        "import sys; from planalign_core import simulate; "
        "spec = simulate.RunSpec(years=2, start_year=2025, seed=7, employees=200); "
        f"simulate.run(spec, {str(tmp_path / 'run.duckdb')!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'numpy')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_streamed_insert_runs_on_one_duckdb_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """An insert of a frame under STREAMED_ROWS runs with STREAMED_THREADS DuckDB threads; an
    insert of a larger frame, a statement over a small frame that reads a stored table too
    (the ingest's anti-join), and every later query run with the connection's ``threads``
    again. The rows are the same."""
    from planalign_core.store import database  # noqa: PLC0415

    monkeypatch.setattr(database, "STREAMED_ROWS", 3)

    def threads(db: Database) -> int:  # read past the Database, which would set them
        return int(db.connection.execute("SELECT current_setting('threads')").fetchall()[0][0])

    with Database(":memory:", threads=2) as db:
        assert threads(db) == 2
        db.replace_scenario_rows("t", _scenario_rows("a", [1]), "a")
        assert threads(db) == 2  # its COMMIT ran with them
        db.append("t", _scenario_rows("a", [2]))
        assert threads(db) == database.STREAMED_THREADS == 1
        db.append("t", _scenario_rows("a", [3, 4, 5]))
        assert threads(db) == 2
        db.append("t", _scenario_rows("a", [6]))
        assert threads(db) == 1
        assert db.query("SELECT value FROM t ORDER BY value")["value"].to_list() == list(
            range(1, 7)
        )
        assert threads(db) == 2
        db.append("t", _scenario_rows("a", [7]))
        assert db.scalar("SELECT count(*) FROM t") == 7
        assert threads(db) == 2
        db.append("t", _scenario_rows("a", [8]))
        joined = db.over_frame(
            _scenario_rows("a", [1]), "SELECT count(*) FROM {frame} AS f JOIN t USING (value)"
        )
        assert joined == [(1,)]
        assert threads(db) == 2
