"""What a run must not leave behind when it is cut short, for the CLI's interrupt deadline.

Ctrl-C and SIGTERM are handled in Python's main thread, which runs them only between
bytecodes: a Polars query or a DuckDB statement under way (a year of 100k employees computes
for a second or two) delays the clean exit. The CLI gives that exit a deadline
(``cli.InterruptDeadline``); past it, the process ends at once, and first removes what the run
registered here: the DuckDB file it created (nothing was committed to it) and dbt's scratch
folder. A file that existed before the run is never registered: its last commit stands, and the
uncommitted blocks of the run are free space to DuckDB when it is opened next.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_lock = threading.Lock()
_paths: dict[Path, None] = {}  # an ordered set: removed newest first


def register(path: Path) -> None:
    """Remove ``path`` (a file or a folder) if the process is ended before it is forgotten."""
    with _lock:
        _paths[Path(path)] = None


def forget(path: Path) -> None:
    """``path`` is no longer the run's to remove (it was committed, or removed already)."""
    with _lock:
        _paths.pop(Path(path), None)


@contextmanager
def registered(*paths: Path) -> Iterator[None]:
    """:func:`register` ``paths`` for the block's duration."""
    for path in paths:
        register(path)
    try:
        yield
    finally:
        for path in paths:
            forget(path)


def remove_registered() -> list[Path]:
    """Remove every registered path that exists (newest first); the paths removed."""
    with _lock:
        paths = list(reversed(_paths))
        _paths.clear()
    removed = []
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(path)
    return removed


@contextmanager
def new_file_removed_on_failure(path: Path) -> Iterator[None]:
    """A command that fails leaves the DuckDB file as it was: its transaction undoes its rows,
    and a file it created (a full disk, Ctrl-C, a bad event) is removed with its write-ahead
    log (``simulate``, ``ingest``)."""
    existed = path.exists()
    leftovers = () if existed else (path, path.with_name(path.name + ".wal"))
    try:
        with registered(*leftovers):  # removed by the CLI's interrupt deadline too
            yield
    except BaseException:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise
