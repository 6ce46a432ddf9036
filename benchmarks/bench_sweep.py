"""Sweeps (issue 14): ``planalign sweep`` throughput on a local Dask cluster, and the report's
query over 100 runs.

- :class:`SweepThroughput`: runs per second of a sweep of 8 seeds x 1k employees x 3 years (the
  census file of ``runs.census_file``) on a ``LocalCluster`` of 1 and of 2 workers, on the wall
  clock from the first task submitted to the last result (the cluster's start-up, about 2-5 s,
  is left out: at 8 runs it would be most of the figure). Scaling efficiency is the 2-worker
  rate over twice the 1-worker rate. Judged as a throughput (-10 %).
- :class:`ReportQuery`: ``sweep.report.spread`` (the DuckDB percentile query) over the files of
  100 runs of 1k x 3 (10 real runs, each linked under 10 seeds: ``setup_cache``), on the CPU
  clock.

The 100 seeds x 5k x 5 goal (<= 120 s on 2 cores) is a whole command, measured by hand:
docs/benchmarks.md, "Sweeps". Commits without ``planalign_core.sweep`` skip both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from .common import CPU_TIMER, require, scratch_dir
from .runs import START_YEAR, census_file

timer = CPU_TIMER  # the report's query (common.CPU_TIMER); throughput is measured by hand below

SEEDS, EMPLOYEES, YEARS = 8, 1_000, 3
REPORT_RUNS, REAL_RUNS = 100, 10


def _sweep_modules() -> tuple[Any, Any]:
    """This commit's sweep plan and runner (skips commits without them)."""
    require("planalign_core.sweep.runner", "run_sweep")
    return require("planalign_core.sweep.plan"), require("planalign_core.sweep.runner")


class SweepThroughput:
    """Runs per second of a small sweep on a local cluster of 1 and 2 workers."""

    params = [[1, 2]]
    param_names = ["workers"]
    timeout = 600
    rounds = 1
    repeat = 1
    number = 1

    def setup(self, workers: int) -> None:
        plan, self.runner = _sweep_modules()
        self.plan = plan.make_plan(
            tuple(range(1, SEEDS + 1)), [], years=YEARS, start_year=START_YEAR,
            employees=None, census_path=census_file(EMPLOYEES),
        )  # fmt: skip
        self.scratch = scratch_dir("planalign-bench-sweep-")

    def teardown(self, workers: int) -> None:
        if hasattr(self, "scratch"):
            shutil.rmtree(self.scratch, ignore_errors=True)

    def track_runs_per_second(self, workers: int) -> float:
        outcome = self.runner.run_sweep(
            self.plan, self.scratch / "out", workers=workers, stream=None
        )
        if outcome.failures or len(outcome.results) != SEEDS:
            raise RuntimeError(f"the sweep did not complete: {outcome.failures}")
        return SEEDS / outcome.running_seconds

    track_runs_per_second.unit = "runs/s"  # type: ignore[attr-defined]


class ReportQuery:
    """The report's percentile query (DuckDB over the Hive partitions) over 100 runs."""

    rounds = 2
    repeat = (2, 5, 10.0)
    timeout = 900

    def setup_cache(self) -> str:
        """100 runs' files: 10 real runs (1k x 3, in-process, no cluster), each linked under 10
        seeds. The query reads as many files and rows as 100 runs have; the values repeat, so
        the fixture costs 10 runs, not 100, in each round of a pull-request check."""
        plan, _runner = _sweep_modules()
        layout = require("planalign_core.sweep.layout")
        manifest = require("planalign_core.sweep.manifest")
        task = require("planalign_core.sweep.task")
        sweep = plan.make_plan(
            tuple(range(1, REAL_RUNS + 1)), [], years=YEARS, start_year=START_YEAR,
            employees=None, census_path=census_file(EMPLOYEES),
        )  # fmt: skip
        out = Path.cwd() / "sweep"  # asv's folder for this cache, removed after the benchmark
        agreed = manifest.reconcile(out, plan.check(sweep))
        for seed in sweep.seeds:
            task.run_pair(plan.job(sweep, agreed, out, sweep.scenarios[0], seed))
        for seed in range(REAL_RUNS + 1, REPORT_RUNS + 1):
            source = (seed - 1) % REAL_RUNS + 1
            for table in layout.TABLES:
                _link(layout.part_path(out, table, "default", source),
                      layout.part_path(out, table, "default", seed))  # fmt: skip
            _link(layout.done_path(out, "default", source), layout.done_path(out, "default", seed))
        return str(out)

    def setup(self, out: str) -> None:
        self.spread = require("planalign_core.sweep.report", "spread")

    def time_report_query(self, out: str) -> None:
        self.spread(Path(out))


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(source, target)
