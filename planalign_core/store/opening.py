"""A run's DuckDB file opened on a thread while the engine starts.

The file is opened only once the inputs are checked (bad inputs leave no file behind). Opening
it (attaching the file: DuckDB creates its header or reads its catalog, then the run's
settings) took 15-25 ms on the main thread, after the engine's baseline and before its first
year, with the other core idle; DuckDB releases the GIL meanwhile, as Polars does while it
computes the baseline, so the two now overlap: about 1 % of a 5k x 5 run (taken out again,
+0.008 s, 20 alternated pairs; docs/benchmarks.md, "Where the time goes").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress

from planalign_core.store.database import Database


class Opening:
    """A database on its way: :meth:`wait` for it, :meth:`take` it."""

    def __init__(self, open_database: Callable[[], Database]) -> None:
        self._future: Future[Database] = Future()
        self.taken = False
        threading.Thread(
            target=self._open, args=(open_database,), name="planalign-open", daemon=True
        ).start()

    def _open(self, open_database: Callable[[], Database]) -> None:
        try:
            self._future.set_result(open_database())
        except BaseException as exc:  # handed to the caller, who raises it
            self._future.set_exception(exc)

    def wait(self) -> None:
        """Block until the database is open; raise the error opening it, if any (a file
        another process locks is named before a long engine start, not after it)."""
        self._future.result()

    def take(self) -> Database:
        """The open database, the caller's to close from now on (waiting for it if needed)."""
        self.taken = True
        return self._future.result()


@contextmanager
def opened_meanwhile(open_database: Callable[[], Database]) -> Iterator[Opening]:
    """Run ``open_database`` on a thread; the block takes the database (:meth:`Opening.take`),
    and an error opening it is raised there, as ``open_database`` itself would have raised it.
    A database the block did not take is closed."""
    opening = Opening(open_database)
    try:
        yield opening
    finally:
        if not opening.taken:
            with suppress(Exception):
                opening.take().close()
