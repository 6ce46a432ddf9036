"""The one DuckDB access class: owns the connection, binds Arrow/Polars frames to statements
instead of inserting rows, passes values as parameters, and makes every write all-or-nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import duckdb
import polars as pl

from planalign_core import duckdb_instance
from planalign_core.errors import StoreError
from planalign_core.events.columnar import EVENT_COLUMNS, conform
from planalign_core.store import keyed
from planalign_core.store.settings import (
    BLOCK_ALLOCATOR_MEMORY,
    COMMIT_CHECKPOINT_THRESHOLD,
    QUERY_BATCH_ROWS,
    ROW_GROUP_SIZE,
    RUN_WRITE_BUFFER_ROW_GROUPS,
    STREAMED_ROWS,
    STREAMED_THREADS,
)
from planalign_core.store.tables import (
    EVENTS_TABLE,
    check_layout,
    create_table_sql,
    duckdb_type,
)

DEFAULT_DB_PATH = Path("planalign.duckdb")


def _open_hint(error: str) -> str:
    """What to do about a file DuckDB would not open: the lock's holder, or another file.
    DuckDB names a lock as "Could not set lock" / "Conflicting lock" ("block" is no lock)."""
    if re.search(r"\block\b", error, re.IGNORECASE):
        return (
            "Another process holds the DuckDB lock: close it or choose another file with --db "
            "(docs/troubleshooting.md)."
        )
    return "Choose another file with --db (docs/troubleshooting.md)."


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: events offered, inserted, and skipped as already present."""

    offered: int
    inserted: int

    @property
    def skipped(self) -> int:
        return self.offered - self.inserted


_UUID_TEXT = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _check_event_ids(frame: pl.DataFrame) -> None:
    """Every row needs a UUID ``event_id``: it is the key that makes ingest idempotent (a null
    id would be stored again on every ingest)."""
    is_uuid = pl.col("event_id").str.contains(_UUID_TEXT).fill_null(False)
    bad = frame.select("event_id").with_row_index("row").filter(~is_uuid)
    if bad.height:
        row, event_id = bad.row(0)
        raise StoreError(
            f"row {row}: event_id: {event_id!r} is not a UUID ({bad.height} such rows); "
            "nothing was written"
        )


class ArrowStream:
    """A Polars frame as an Arrow C stream (the PyCapsule interface), which DuckDB scans
    without pyarrow. ``frame.to_arrow()`` (and DuckDB's own scan of a Polars frame) goes
    through pyarrow, whose import costs 0.07-0.14 s. DuckDB asks for a new stream each time a
    statement reads the frame, so one statement may read it twice."""

    __slots__ = ("_frame",)

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


class Database:
    """A DuckDB file (or ``:memory:``) holding planalign's tables."""

    def __init__(
        self,
        path: str | Path = DEFAULT_DB_PATH,
        *,
        threads: int | None = None,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        """``read_only`` opens the file for reading only: a copy on read-only storage, or a
        file another reader holds, can still be queried (``planalign history``).
        ``memory_limit`` caps DuckDB's buffers (``RUN_MEMORY_LIMIT`` for a run's writes) and
        keeps ``BLOCK_ALLOCATOR_MEMORY`` of block memory for reuse; such a run writes each row
        group as it fills (``RUN_WRITE_BUFFER_ROW_GROUPS``)."""
        self.path = str(path)
        options = "READ_ONLY" if read_only else f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
        try:
            self.connection = duckdb_instance.connection()
            self.connection.execute(f"ATTACH ? AS planalign ({options})", [self.path])
            self.connection.execute("USE planalign")
        except duckdb.IOException as exc:
            detail = str(exc).rstrip("!. ")
            raise StoreError(f"cannot open {self.path}: {detail}. {_open_hint(detail)}") from None
        if threads is not None:
            self.connection.execute("SET threads = ?", [int(threads)])
        setting = self.connection.execute("SELECT current_setting('threads')").fetchall()
        self._threads = self._threads_now = int(setting[0][0])
        if memory_limit is not None:
            self.execute("SET memory_limit = ?", [memory_limit])
            self.execute("SET block_allocator_memory = ?", [BLOCK_ALLOCATOR_MEMORY])
            self.execute("SET write_buffer_row_group_count = ?", [RUN_WRITE_BUFFER_ROW_GROUPS])
        # Rows carry their own keys; letting DuckDB write in parallel is 3x faster on ingest.
        self.execute("SET preserve_insertion_order = false")
        # Each insert leaves its last row group part-full, and by default the checkpoint at
        # close rewrites ("vacuums") such row groups into full ones: 1.85 s of an 11 s
        # 100k x 5 run, and a larger file (228 MB against 167 MB; the old blocks stay as free
        # space). Without it, re-running a scenario reuses the space of its deleted rows: the
        # file stays within twice one run's size (measured over four re-runs).
        self.execute("SET max_vacuum_tasks = 0")
        self._in_transaction = False
        self.keyed: keyed.Snapshot | None = None  # the catalog as this transaction has it

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, checkpoint: bool = False) -> Iterator[Database]:
        """All writes inside commit together or not at all (nesting joins the outer one).
        ``checkpoint`` makes the commit a checkpoint (``COMMIT_CHECKPOINT_THRESHOLD``): a
        run's rows go into the file once, at the commit, not through the WAL and the close."""
        if self._in_transaction:
            yield self
            return
        self.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        else:
            self._commit(checkpoint=checkpoint)
        finally:
            self._in_transaction = False
            self.keyed = None  # read again by the next transaction's first keyed write

    def _commit(self, *, checkpoint: bool) -> None:
        if not checkpoint:
            self.execute("COMMIT")
            return
        self.execute("SET checkpoint_threshold = ?", [COMMIT_CHECKPOINT_THRESHOLD])
        try:
            self.execute("COMMIT")
        finally:
            with suppress(duckdb.Error):  # a failed commit's own error is the one to report
                self.execute("RESET checkpoint_threshold")

    def _rollback(self) -> None:
        """Undo the transaction. After a failed write (a full disk) DuckDB has already aborted
        it and ROLLBACK fails with "transaction is aborted": that error would hide the cause."""
        with suppress(duckdb.Error):
            self.execute("ROLLBACK")

    # --- reading --------------------------------------------------------------------------

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> pl.DataFrame:
        """Run a query (values as ``?`` parameters) and return a Polars frame."""
        self._use_threads(self._threads)
        frame: pl.DataFrame = self.connection.sql(sql, params=list(parameters or [])).pl()
        return frame

    def query_batches(
        self, sql: str, parameters: Sequence[Any] | None = None, rows: int = QUERY_BATCH_ROWS
    ) -> Iterator[pl.DataFrame]:
        """A query's result as frames of at most ``rows`` rows, read as they are needed (an
        export holds one batch, not the table); at least one frame, empty if no row is."""
        self._use_threads(self._threads)
        reader = self.connection.sql(sql, params=list(parameters or [])).to_arrow_reader(rows)
        empty = True
        for batch in reader:
            empty = False
            yield cast(pl.DataFrame, pl.from_arrow(batch))
        if empty:
            yield cast(pl.DataFrame, pl.from_arrow(reader.schema.empty_table()))

    def execute(
        self, sql: str, parameters: Sequence[Any] | None = None, *, catalog_only: bool = False
    ) -> list[Any]:
        """Run one statement to completion (DuckDB 2 keeps unfinished results open).

        ``catalog_only``: the statement makes or changes a table, a view or a key's row and
        scans nothing, so it runs on the threads the last statement had. Set back to
        ``threads`` each time, a run's first write of a table (its table and view made, then
        its rows inserted on ``STREAMED_THREADS``) changed the setting twice, 0.3 ms each, on
        the writer (docs/benchmarks.md, "The writer's own checks")."""
        if not catalog_only:
            self._use_threads(self._threads)
        return self.connection.execute(sql, parameters or []).fetchall()

    def scalar(self, sql: str, parameters: Sequence[Any] | None = None) -> Any:
        rows = self.execute(sql, parameters)
        return rows[0][0] if rows else None

    def has_table(self, table: str) -> bool:
        return bool(self.columns(table))

    def columns(self, table: str) -> dict[str, str]:
        """The stored table's columns and their types, in order; empty when it does not exist.
        (DuckDB's own catalog functions: ``information_schema`` costs twice as much, and a run
        asks once per table.)"""
        rows = self.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "AND table_name = ? ORDER BY column_index",
            [table],
        )
        return dict(rows)

    def read_events(self, where: str = "", parameters: Sequence[Any] | None = None) -> pl.DataFrame:
        """Events in the columnar layout (ids back as text), ordered by their natural key."""
        if not self.has_table(EVENTS_TABLE):
            raise StoreError(f"table {EVENTS_TABLE} does not exist in {self.path}: ingest first")
        columns = ", ".join(
            "CAST(event_id AS VARCHAR) AS event_id" if c == "event_id" else f'"{c}"'
            for c in EVENT_COLUMNS
        )
        sql = (
            f'SELECT {columns} FROM "{EVENTS_TABLE}" {where} '
            "ORDER BY scenario_id, plan_design_id, employee_id, simulation_year, event_sequence"
        )
        return conform(self.query(sql, parameters))

    # --- writing --------------------------------------------------------------------------

    def over_frame(
        self,
        frame: pl.DataFrame,
        sql: str,
        *,
        frame_only: bool = False,
        parameters: Sequence[Any] | None = None,
    ) -> list[Any]:
        """Run ``sql`` with ``{frame}`` naming ``frame`` (zero-copy via Arrow).

        The frame is bound to this one statement, never registered as a view: a
        view dropped inside a transaction stays in DuckDB's catalog, and keeps its frame alive,
        until the transaction ends, so a run that registered each year's rows held all of
        them in memory until its commit (7.9 GB at 100k x 5; docs/troubleshooting.md).
        DuckDB finds the frame as this function's local variable (a replacement scan, for
        this statement only). A relation (``from_arrow(...).query``) did the same at 4.9 ms
        of CPU a statement before any row, this 1.8 ms (an empty 43-column insert): a
        5k x 5 run makes 36 inserts. A frame under ``STREAMED_ROWS`` goes as an Arrow C stream
        (:class:`ArrowStream`), a larger one as a pyarrow table, read with every thread
        ``threads`` allows. ``frame_only``: the statement reads nothing but the frame (an
        insert of it), so a streamed one runs with ``STREAMED_THREADS``. Either way its strings stay
        Arrow string views, as Polars holds them: ``to_arrow()`` by default copies them into
        ``large_string`` arrays (the text and 8 bytes of offset a row), which cost a
        100k-employee year's events 95 MiB of peak and 7 % of the insert's CPU.
        """
        streamed = frame.height < STREAMED_ROWS
        planalign_frame_ = (  # noqa: F841 - read by name by DuckDB, here
            ArrowStream(frame) if streamed else frame.to_arrow(compat_level=pl.CompatLevel.newest())
        )
        self._use_threads(STREAMED_THREADS if streamed and frame_only else self._threads)
        rows: list[Any] = self.connection.execute(
            sql.replace("{frame}", "planalign_frame_"), parameters or []
        ).fetchall()
        return rows

    def _use_threads(self, threads: int) -> None:
        """DuckDB's threads for the next statement (every statement sets them, so the one
        thread of a streamed insert never reaches a later query); a change costs about
        0.3 ms, so it is made only when the number changes."""
        if threads != self._threads_now:
            self.connection.execute("SET threads = ?", [threads])
            self._threads_now = threads

    def ensure_events_table(self) -> None:
        """The events' rows table and view (``store/keyed.py``), made if missing."""
        keyed.ensure_layout(self, EVENTS_TABLE, pl.Schema(EVENT_COLUMNS))
        if EVENTS_TABLE not in keyed.snapshot(self).relations:  # (read with the layout)
            keyed.refresh_view(self, EVENTS_TABLE, pl.Schema(EVENT_COLUMNS))

    def ingest_events(self, frame: pl.DataFrame) -> IngestResult:
        """Insert events in the columnar layout; idempotent by ``event_id``.

        A batch repeating an id it already holds is rejected as a whole (naming the id);
        ids already stored are skipped, so ingesting the same batch twice adds nothing.
        """
        frame = conform(frame)
        _check_event_ids(frame)
        with self.transaction():
            repeated = self.over_frame(
                frame,
                "SELECT event_id, count(*) FROM {frame} GROUP BY event_id HAVING count(*) > 1 "
                "ORDER BY event_id LIMIT 1",
            )
            if repeated:
                event_id, times = repeated[0]
                raise StoreError(
                    f"the batch holds event_id {event_id} {times} times; nothing was written"
                )
            self.ensure_events_table()
            before = self.scalar(f'SELECT count(*) FROM "{EVENTS_TABLE}"')
            self._ingest_rows(frame, anti_join=bool(before))
            after = self.scalar(f'SELECT count(*) FROM "{EVENTS_TABLE}"')
        return IngestResult(offered=frame.height, inserted=int(after - before))

    def _ingest_rows(self, frame: pl.DataFrame, *, anti_join: bool) -> None:
        """Each distinct (scenario, plan design, source system) of the batch keyed, the rows
        inserted under their key; with ``anti_join`` without the ids already stored."""
        made = [
            keyed.key_for(self, strings)[1]
            for strings in frame.select(keyed.KEYED_COLUMNS).unique().iter_rows()
        ]
        if any(made):
            keyed.refresh_view(self, EVENTS_TABLE, pl.Schema(EVENT_COLUMNS))
        match = " AND ".join(f"k.{c} IS NOT DISTINCT FROM b.{c}" for c in keyed.KEYED_COLUMNS)
        new_rows = (
            f"SELECT k.{keyed.RUN_KEY}, b.* EXCLUDE ({', '.join(keyed.KEYED_COLUMNS)}) "
            f"FROM {{frame}} AS b JOIN {keyed.KEYS_TABLE} AS k ON {match}"
        )
        if anti_join:  # against the view: an id is skipped whatever part it is stored in
            new_rows += f' ANTI JOIN "{EVENTS_TABLE}" AS t ON t.event_id = CAST(b.event_id AS UUID)'
        for rows, part in keyed.split_rows(EVENTS_TABLE, frame):
            self.over_frame(part, f'INSERT INTO "{rows}" BY NAME {new_rows}')

    def replace_scenario_rows(
        self,
        table: str,
        frame: pl.DataFrame,
        scenario_id: str,
        *,
        strings: keyed.Strings | None = None,
    ) -> None:
        """Replace one scenario's rows of ``table`` by ``frame`` (created from its layout if
        missing); other scenarios are untouched. The frame must hold only that scenario.
        ``strings``: its keyed columns' values (``keyed.strings_of``), if checked already."""
        if "scenario_id" not in frame.columns:
            raise StoreError(f"{table}: the frame has no scenario_id column")
        foreign = frame.filter(pl.col("scenario_id") != scenario_id)
        if foreign.height:
            raise StoreError(
                f"{table}: row for scenario {foreign['scenario_id'][0]!r} "
                f"in a write for {scenario_id!r}"
            )
        with self.transaction():
            self._ensure_layout(table, frame.schema)
            if table in keyed.KEYED_TABLES:
                keyed.delete_scenario(self, table, scenario_id)
                keyed.write(self, table, frame, first=True, strings=strings)
                return
            self.execute(f'DELETE FROM "{table}" WHERE scenario_id = ?', [scenario_id])
            self.append(table, frame)

    def append(
        self, table: str, frame: pl.DataFrame, *, strings: keyed.Strings | None = None
    ) -> None:
        """Insert ``frame``'s rows into ``table``, columns matched by name (``strings`` as
        for :meth:`replace_scenario_rows`)."""
        if table in keyed.KEYED_TABLES:
            keyed.write(self, table, frame, first=False, strings=strings)
            return
        self.over_frame(
            frame, f'INSERT INTO "{table}" BY NAME SELECT * FROM {{frame}}', frame_only=True
        )

    def _ensure_layout(self, table: str, schema: pl.Schema) -> None:
        if table in keyed.KEYED_TABLES:
            keyed.ensure_layout(self, table, schema)
            return
        wanted = {name: duckdb_type(dtype) for name, dtype in schema.items()}
        present = self.columns(table)
        if not present:
            self.execute(create_table_sql(table, wanted))
            return
        check_layout(table, wanted, present)
