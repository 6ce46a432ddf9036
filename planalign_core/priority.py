"""The run's writer first: Polars' worker threads yield the CPU to DuckDB's.

From the first simulated year on, a 100k-employee run's critical path is its writer: DuckDB
stores one year while Polars computes the next, the compute is done in about half the time,
and both want the same two cores. At equal priority they share them, so the writer, waited on
at every year's end and at the commit, runs at half speed while the compute finishes early
and waits. With Polars' workers at a lower priority the writer runs at full speed and the
compute takes what is left (docs/benchmarks.md, "Where the time goes").

The change is one-way: an unprivileged process cannot raise a thread's priority back. So only
the console script's ``simulate`` command calls it (``cli.main(console_script=True)``, from
``cli.entry_point``), in a process that ends with the command; a program that calls
``cli.main`` or imports ``planalign_core.simulate`` keeps its threads as they are.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# How much lower, in nice steps from where the thread is (a run started with ``nice`` stays
# below its neighbours): 10 and 19 gave the same times, 100k x 5 7.3-7.8 s against 8.1-8.4 s
# at equal priority (3 alternated triples, 28 November). Linux's scale ends at 19.
LOWER_BY = 10
LOWEST = 19
POLARS_THREAD_PREFIX = "polars-"  # how Polars names its worker threads ("polars-0", ...)
TASKS = Path("/proc/self/task")


def thread_names() -> dict[int, str]:
    """This process's threads: id -> name (Linux's ``/proc``; empty elsewhere)."""
    if not TASKS.is_dir():
        return {}
    names: dict[int, str] = {}
    for task in TASKS.iterdir():
        try:
            names[int(task.name)] = (task / "comm").read_text(encoding="utf-8").strip()
        except OSError:  # the thread ended while we looked
            continue
    return names


def yield_compute_to_writer() -> int:
    """Lower the priority of Polars' worker threads by ``LOWER_BY`` (starting its pool first);
    return how many threads were changed (0 where threads have no priority of their
    own, as on macOS and Windows, or the system refuses)."""
    if not sys.platform.startswith("linux"):
        return 0
    import polars as pl  # noqa: PLC0415 - the pool starts on first use; start it now

    pl.thread_pool_size()
    changed = 0
    for thread, name in thread_names().items():
        if not is_polars_worker(name):
            continue
        try:
            now = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(LOWEST, now + LOWER_BY))
        except OSError:
            continue
        changed += 1
    return changed


def is_polars_worker(name: str) -> bool:
    """``polars-0``, ``polars-1``, ...: not Polars' other threads (its spill cleaner)."""
    number = name.removeprefix(POLARS_THREAD_PREFIX)
    return number != name and number.isdigit()
