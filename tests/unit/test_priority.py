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
def test_the_simulate_command_lowers_polars_workers_and_nothing_else(tmp_path: Path) -> None:
    """After ``planalign simulate``, every Polars worker runs LOWER_BY steps below where it
    was; the main thread (which holds the GIL the writer needs) and DuckDB's keep theirs."""
    code = """
        import os
        from planalign_core.cli import main
        from planalign_core.priority import thread_names, is_polars_worker
        main(["simulate", "--employees", "30", "--years", "1", "--quiet", "--db", DB])
        for thread, name in sorted(thread_names().items()):
            print(is_polars_worker(name), os.getpriority(os.PRIO_PROCESS, thread))
        """
    db = str(tmp_path / "run.duckdb")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code).replace("DB", repr(db))],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith(("True", "False"))]
    workers = {int(nice) for worker, nice in rows if worker == "True"}
    others = {int(nice) for worker, nice in rows if worker == "False"}
    base = os.getpriority(os.PRIO_PROCESS, 0)  # the child started where this process is
    assert workers == {min(LOWEST, base + LOWER_BY)}
    assert others == {base}
