"""How long ``planalign simulate`` takes to end after Ctrl-C or SIGTERM (the goal: 2 s).

Each try starts a run, waits for the first year's progress line (the run is then computing
and writing), sends the signal and times the exit; it checks the exit status (130, 143), the
line printed and that the DuckDB file the run created is gone. Run it alone on the machine::

    python -m tools.interrupt_timing --tries 3
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PLANALIGN = str(Path(sys.executable).parent / "planalign")
EXPECTED = "interrupted, nothing written"


def one_try(engine: str, employees: int, signum: signal.Signals, folder: Path) -> float:
    """Seconds from the signal to the exit; raises if the run did not end as it should."""
    db = folder / f"interrupted-{engine}.duckdb"
    command = [PLANALIGN, "simulate", "--engine", engine, "--employees", str(employees)]
    process = subprocess.Popen(
        [*command, "--years", "5", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if " 1/5 " in line:
            break
    sent = time.perf_counter()
    process.send_signal(signum)
    rest = process.stderr.read()
    code = process.wait()
    took = time.perf_counter() - sent
    wanted = 130 if signum == signal.SIGINT else 143
    if code != wanted or EXPECTED not in rest or db.exists():
        raise SystemExit(f"{engine} {signum.name}: exit {code}, file left {db.exists()}: {rest}")
    return took


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=3, help="tries per engine and signal")
    parser.add_argument("--polars-employees", type=int, default=100_000)
    parser.add_argument("--dbt-employees", type=int, default=2_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    runs = (("polars", args.polars_employees), ("dbt", args.dbt_employees))
    with tempfile.TemporaryDirectory(prefix="planalign-interrupt-") as scratch:
        for engine, employees in runs:
            for signum in (signal.SIGINT, signal.SIGTERM):
                times = [
                    one_try(engine, employees, signum, Path(scratch)) for _ in range(args.tries)
                ]
                print(
                    f"{engine} {employees:,} x 5, {signum.name}: median "
                    f"{statistics.median(times):.2f} s, max {max(times):.2f} s "
                    f"({', '.join(f'{t:.2f}' for t in times)})",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
