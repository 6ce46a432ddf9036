"""A run's DuckDB file opened on a thread while the engine starts.

The file is opened only once the inputs are checked (bad inputs leave no file behind). Opening
it (attaching the file: DuckDB creates its header or reads its catalog, then the run's
settings) took 15-25 ms on the main thread, after the engine's baseline and before its first
year, with the other core idle; DuckDB releases the GIL meanwhile, as Polars does while it
computes the baseline and the first year, so the two now overlap (docs/benchmarks.md,
"Where the time goes").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress

from planalign_core.store.database import Database


@contextmanager
def opened_meanwhile(open_database: Callable[[], Database]) -> Iterator[Callable[[], Database]]:
    """Run ``open_database`` on a thread; the block takes the database by calling the function
    it is given (waiting for it if needed; an error opening is raised there, as it would have
    been by ``open_database`` itself). A database the block did not take is closed."""
    future: Future[Database] = Future()

    def open_it() -> None:
        try:
            future.set_result(open_database())
        except BaseException as exc:  # handed to the caller, who raises it
            future.set_exception(exc)

    threading.Thread(target=open_it, name="planalign-open", daemon=True).start()
    taken = False

    def take() -> Database:
        nonlocal taken
        taken = True
        return future.result()

    try:
        yield take
    finally:
        if not taken:
            with suppress(Exception):
                future.result().close()
