"""The console script's run stores at full speed: Polars' workers yield the CPU to DuckDB's
(``planalign_core.priority``). Checked in a fresh process: the change cannot be undone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planalign_core.priority import LOWER_BY, LOWEST, is_polars_worker

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice")


def test_only_polars_numbered_workers_are_chosen() -> None:
    assert [n for n in ("polars-0", "polars-12", "polars-ooc-clea", "polars-", "python")
            if is_polars_worker(n)] == ["polars-0", "polars-12"]  # fmt: skip


@linux_only
def test_the_console_scripts_simulate_lowers_polars_workers_and_nothing_else(
    tmp_path: Path,
) -> None:
    """``planalign simulate`` called in-process (``cli.main``) changes no thread; from the
    console script (``cli.entry_point``) every Polars worker runs LOWER_BY steps below where
    it was, while the main thread (which holds the GIL the writer needs) and DuckDB's keep
    theirs."""
    code = """
        import os, sys
        from planalign_core import cli
        from planalign_core.priority import thread_names, is_polars_worker

        def show(label):
            for thread, name in sorted(thread_names().items()):
                try:
                    nice = os.getpriority(os.PRIO_PROCESS, thread)
                except OSError:  # a thread that ended since it was listed
                    continue
                print(label, is_polars_worker(name), nice)

        argv = ["simulate", "--employees", "30", "--years", "1", "--quiet", "--db", DB]
        cli.main(argv)
        show("main")
        sys.argv = ["planalign", *argv]
        cli.exit_promptly = lambda code: None
        cli.entry_point()
        show("script")
        """
    db = str(tmp_path / "run.duckdb")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code).replace("DB", repr(db))],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [
        line.split() for line in done.stdout.splitlines() if line.startswith(("main", "script"))
    ]
    base = os.getpriority(os.PRIO_PROCESS, 0)  # the child started where this process is
    seen: dict[tuple[str, bool], set[int]] = {}
    for label, worker, nice in rows:
        seen.setdefault((label, worker == "True"), set()).add(int(nice))
    assert seen["main", True] == {base}  # the pool exists (the run used it), unchanged
    assert seen["main", False] == {base}
    assert seen["script", True] == {min(LOWEST, base + LOWER_BY)}
    assert seen["script", False] == {base}
