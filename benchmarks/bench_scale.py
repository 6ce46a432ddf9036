"""One million employees x 5 years (issue 12): a default ``planalign simulate`` run, weekly
balance snapshots included, on a synthetic census, timed and its peak memory measured.

Opt-in: it takes minutes, far over the per-commit budget (docs/benchmarks.md, "Budget"), so
``setup`` raises ``NotImplementedError`` (asv records it as skipped) unless the environment
variable ``PLANALIGN_BENCH_1M`` is ``1``::

    PLANALIGN_BENCH_1M=1 asv run --bench bench_scale ...

Goal on this project's 2-core, 24 GiB machine (read here, never asserted by tests): <= 120 s
and <= 8 GiB peak.

The census is planalign's own seeded synthetic one (``RunSpec(employees=...)``, what
``planalign simulate --employees 1000000`` uses): a 1M-row census file would be one more
cached dataset for a benchmark that rarely runs, and the synthetic census is deterministic for
the seed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import BENCH_THREADS
from .common import CPU_TIMER, SEED, WALL_TIMER, SlowCall, require
from .runs import START_YEAR

ENABLE_ENV = "PLANALIGN_BENCH_1M"
EMPLOYEES = 1_000_000
YEARS = 5


def require_enabled() -> None:
    """Skip (asv: ``NotImplementedError``) unless ``PLANALIGN_BENCH_1M=1``."""
    if os.environ.get(ENABLE_ENV) != "1":
        raise NotImplementedError(f"opt-in: set {ENABLE_ENV}=1 to run the 1M x 5 benchmark")


class _MillionRun:
    """Shared set-up: this commit's run function, the spec, a scratch DuckDB file."""

    def setup(self) -> None:
        require_enabled()
        require("planalign_core.simulate", "RunSpec")
        simulate = require("planalign_core.simulate")
        self.run = simulate.run
        self.spec = simulate.RunSpec(
            years=YEARS, start_year=START_YEAR, seed=SEED, employees=EMPLOYEES
        )
        self.scratch = Path(tempfile.mkdtemp(prefix="planalign-bench-1m-"))
        self.db = self.scratch / "bench.duckdb"

    def teardown(self) -> None:
        if hasattr(self, "scratch"):  # asv tears down skipped benchmarks too
            shutil.rmtree(self.scratch, ignore_errors=True)

    def simulate(self) -> Any:
        return self.run(self.spec, self.db, threads=BENCH_THREADS)


class MillionByFive(SlowCall, _MillionRun):
    """1M x 5, default settings: wall time (the goal's clock: <= 120 s) and CPU time."""

    timeout = 1800
    rounds = 1
    repeat = (1, 1, 0.0)  # one sample: a call takes minutes

    def time_simulate(self) -> None:
        self.simulate()

    time_simulate.timer = WALL_TIMER  # type: ignore[attr-defined]

    def time_simulate_cpu(self) -> None:
        self.simulate()

    time_simulate_cpu.timer = CPU_TIMER  # type: ignore[attr-defined]


class MillionByFiveMemory(_MillionRun):
    """Peak resident memory of the 1M x 5 run (goal: <= 8 GiB), whole process."""

    timeout = 1800
    rounds = 1

    def peakmem_simulate(self) -> None:
        self.simulate()
