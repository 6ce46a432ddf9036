"""The folders that hold a commit's whole runs (``runs.py``), removed once nothing reads them.

A run's database must outlive the process that made it: asv computes a ``setup_cache`` in one
process and starts each reading benchmark in another. So nothing removed the folders, and every
benchmark run left its databases in the temporary directory: 0.46 GB a commit with the slow
parameters, 1.4 GB after an afternoon of checks (28 November). Each folder now names its
owner, the process that runs the benchmarks (asv's own command: the nearest process at or
above the one making the runs that is not one of asv's benchmark processes), and the next run
removes the folders whose owner has ended. A folder without an owner (written before this, or
where ``/proc`` is missing) is removed once it is a day old.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "planalign-bench-runs-"
OWNER_FILE = "owner.pid"
ORPHAN_SECONDS = 24 * 3600
PROC = Path("/proc")
# asv runs a benchmark, and a setup_cache, in a process of its own (``asv/benchmark.py``,
# or one forked by its server): the owner is the first process above those.
ASV_WORKER_MARKS = ("asv/benchmark", "asv.benchmark", "asv/server", "asv.server")


def new_folder() -> Path:
    """A new folder for a commit's runs, owned by the process running the benchmarks; the
    folders of ended owners are removed first."""
    remove_stale()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    owner = benchmark_owner()
    if owner is not None:
        (folder / OWNER_FILE).write_text(str(owner), encoding="utf-8")
    return folder


def remove_stale(parent: Path | None = None) -> list[Path]:
    """Remove this user's run folders whose owner has ended (or, without one, a day old)."""
    removed = []
    now = time.time()
    for folder in _folders(Path(parent or tempfile.gettempdir())):
        if _stale(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def benchmark_owner(pid: int | None = None) -> int | None:
    """The nearest process at or above ``pid`` (this one) that is not one of asv's benchmark
    processes; None where ``/proc`` does not say."""
    current = os.getpid() if pid is None else pid
    for _ in range(64):  # a bound, not a depth any real chain reaches
        command = _command(current)
        if command is None:
            return None
        if not any(mark in command for mark in ASV_WORKER_MARKS):
            return current
        parent = _parent(current)
        if parent is None or parent <= 1:
            return None
        current = parent
    return None


def _folders(parent: Path) -> Iterator[Path]:
    for folder in parent.glob(f"{PREFIX}*"):
        try:
            mine = folder.is_dir() and folder.stat().st_uid == os.getuid()
        except OSError:  # removed meanwhile
            continue
        if mine:
            yield folder


def _stale(folder: Path, now: float) -> bool:
    try:
        owner = int((folder / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        try:
            return now - folder.stat().st_mtime > ORPHAN_SECONDS
        except OSError:
            return False
    return not _alive(owner)


def _alive(pid: int) -> bool:
    # The same test as planalign_core.engines.dbt_session._alive, kept here on purpose: asv runs
    # these benchmarks against older commits' packages, which may not have it.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _command(pid: int) -> str | None:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        return None


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text(encoding="utf-8")
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])
