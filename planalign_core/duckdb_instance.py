"""DuckDB's in-memory instance for a command's database, made on a thread while the command's
other modules import.

A run's start is single-threaded: importing Polars, Pydantic and the engine takes about 0.25 s
of one core, and the DuckDB file is opened only after the inputs are checked. Making DuckDB's
instance (``duckdb.connect()``: its catalog of built-in functions, 20-40 ms) and its first
catalog query (DuckDB builds the catalog's table functions on first use, 14-16 ms) on the idle
core meanwhile takes both off the run's path; both release the GIL. The file itself is still
attached later, by :class:`planalign_core.store.Database`, after the inputs are checked.

Only ``duckdb`` is imported here, so the CLI can start the thread before the command's module
(and Polars) loads.
"""

from __future__ import annotations

import atexit
import threading

import duckdb


class _Pending:
    """The instance on its way (its thread) or made and not yet taken."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.made: list[duckdb.DuckDBPyConnection] = []

    def make(self) -> None:
        try:
            connection = duckdb.connect()
            connection.execute("SELECT count(*) FROM duckdb_columns()").fetchall()
        except duckdb.Error:  # raised again, where it can be reported, by connect() instead
            return
        self.made.append(connection)


pending = _Pending()


def prepare() -> None:
    """Start making an instance for the next :func:`connection`, unless one is on its way."""
    with pending.lock:
        if pending.thread is not None or pending.made:
            return
        pending.thread = threading.Thread(
            target=pending.make, name="planalign-duckdb-start", daemon=True
        )
        pending.thread.start()


def connection() -> duckdb.DuckDBPyConnection:
    """The prepared instance when there is one (waiting for it if needed), else a new one.
    A failure while preparing is not reported here: the new instance made instead raises it."""
    with pending.lock:
        thread, pending.thread = pending.thread, None
    if thread is not None:
        thread.join()
    with pending.lock:
        if pending.made:
            return pending.made.pop()
    return duckdb.connect()


def _finish() -> None:
    """At exit, let a thread still making an instance end before the interpreter does."""
    thread = pending.thread
    if thread is not None:
        thread.join()


atexit.register(_finish)
