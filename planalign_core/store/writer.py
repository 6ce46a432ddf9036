"""The run's writer: one scenario's rows stored on a background thread while the engine
computes the next year (``planalign_core.simulate`` submits, this module stores)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl

from planalign_core.store import keyed
from planalign_core.store.database import Database
from planalign_core.store.settings import STREAMED_ROWS


class ScenarioWriter:
    """Writes one scenario's rows on a background thread, in submission order.

    The first write of a table in the run replaces the scenario's rows
    (``Database.replace_scenario_rows``); later writes append. DuckDB and Polars both release
    the GIL, so a year is computed while the one before is stored. Each frame is submitted as
    it comes: buffering rows into larger inserts held them twice (Polars now, DuckDB later)
    and, at 5k employees, kept every write until after the last year was computed (1.55 s
    for 5k x 5 buffered up to 250k rows, 1.4 s writing each year as it completes; the same at
    100k). Every DuckDB call happens on the writer thread, one at a time, inside the caller's
    transaction; the first failure is re-raised by the next :meth:`write` or by :meth:`wait`.
    """

    def __init__(self, db: Database, scenario_id: str) -> None:
        self.db = db
        self.scenario_id = scenario_id
        self.seconds = 0.0
        self._started: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planalign-writer")
        self._pending: list[Future[None]] = []
        self._bytes: dict[Future[None], int] = {}  # each write's frame, as Polars sizes it
        self._early: set[Future[None]] = set()  # the writes :meth:`write_if_free` submitted

    def write(self, table: str, frame: pl.DataFrame) -> Future[None]:
        """Submit ``frame``'s rows for storing in ``table``."""
        failed = next((f for f in self._pending if f.done() and f.exception()), None)
        if failed is not None:  # stop computing years that can no longer be stored
            failed.result()
        # The frame's keyed columns are checked here, on the engine's thread: a query of
        # Polars' worker pool, which the next year's compute keeps busy, and from the first
        # year on the writer is what a run waits for (docs/benchmarks.md, "The writer's own
        # checks").
        future = self._pool.submit(self._write, table, frame, keyed.strings_to_key(table, frame))
        self._pending.append(future)
        self._bytes[future] = int(frame.estimated_size())
        return future

    def call(self, action: Callable[[Database], None]) -> Future[None]:
        """Run ``action`` with the database on the writer's thread, after the writes
        submitted before it: a statement over their tables, made while the engine computes
        instead of after the last year (the snapshots view, ``simulate``)."""
        future = self._pool.submit(action, self.db)
        self._pending.append(future)
        self._bytes[future] = 0
        return future

    def write_if_free(self, table: str, frame: pl.DataFrame) -> bool:
        """Submit ``frame`` (and say so) if storing it now costs the run nothing: it is small
        enough to go in on the writer's one DuckDB thread (``STREAMED_ROWS``), or nothing
        waits to be stored but other such early frames. A larger frame submitted while the
        writer still stores a year would take both cores from the next year's compute:
        100k x 5 took 0.12 s longer with every year's early rows stored (docs/benchmarks.md,
        "Early rows")."""
        busy = any(not f.done() and f not in self._early for f in self._pending)
        if busy and frame.height >= STREAMED_ROWS:
            return False
        self._early.add(self.write(table, frame))
        return True

    @property
    def submitted(self) -> int:
        """How many writes were submitted so far."""
        return len(self._pending)

    def backlog(self, at_most: int, at_most_bytes: int | None = None) -> None:
        """Wait until at most ``at_most`` submitted writes are unfinished and, with
        ``at_most_bytes``, until their frames come to at most that many bytes (oldest first).

        The run calls it after submitting a year, with that year's number of writes: the
        year before must be stored before the next one is computed, so frames do not pile up
        in memory, a year's worth at most. With ``at_most_bytes`` a large year is mostly
        stored, too, before the next is computed (``simulate.HELD_BYTES``)."""
        unfinished = [f for f in self._pending if not f.done()]
        for future in unfinished[: max(0, len(unfinished) - at_most)]:
            future.result()
        if at_most_bytes is None:
            return
        for future in unfinished:
            if sum(self._bytes[f] for f in unfinished if not f.done()) <= at_most_bytes:
                return
            future.result()

    def _write(self, table: str, frame: pl.DataFrame, strings: keyed.Strings | None) -> None:
        started = time.perf_counter()
        if table in self._started:
            self.db.append(table, frame, strings=strings)
        else:
            self.db.replace_scenario_rows(table, frame, self.scenario_id, strings=strings)
            self._started.add(table)
        self.seconds += time.perf_counter() - started

    def abandon(self) -> None:
        """The run failed: cancel the writes not started, let the one under way finish (the
        caller rolls back)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def wait(self) -> None:
        """Block until every write is done; raise the first failure."""
        try:
            for future in self._pending:
                future.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
