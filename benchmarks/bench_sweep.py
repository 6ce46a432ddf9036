"""Sweeps (issue 14): ``planalign sweep`` throughput on a local Dask cluster, and the report's
query over 100 runs.

- :class:`SweepThroughput`: runs per second of a sweep of 8 seeds x 1k employees x 3 years (the
  census file of ``runs.census_file``) on a ``LocalCluster`` of 1 and of 2 workers, on the wall
  clock from the first task submitted to the last result (the cluster's start-up, about 2-5 s,
  is left out: at 8 runs it would be most of the figure). Scaling efficiency is the 2-worker
  rate over twice the 1-worker rate. Judged as a throughput (-10 %) on its sampled twin
  ``time_sweep`` (warm sweeps of 4 of those runs on a running cluster, 2 a process).
- :class:`ReportQuery`: ``sweep.report.spread`` (the DuckDB percentile query) over the files of
  100 runs of 1k x 3 (10 real runs, each linked under 10 seeds: ``setup_cache``), on the CPU
  clock.

The 100 seeds x 5k x 5 goal (<= 120 s on 2 cores) is a whole command, measured by hand:
docs/benchmarks.md, "Sweeps". Commits without ``planalign_core.sweep`` skip both.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from .common import CPU_TIMER, WarmCall, require, scratch_dir
from .runs import START_YEAR, census_file

timer = CPU_TIMER  # the report's query (common.CPU_TIMER); the sweep's class keeps the wall clock

SEEDS, EMPLOYEES, YEARS = 8, 1_000, 3
TWIN_SEEDS = SEEDS // 2  # the judged twin's sweeps: the same runs, half as many
REPORT_RUNS, REAL_RUNS = 100, 10


def _sweep_modules() -> tuple[Any, Any]:
    """This commit's sweep plan and runner (skips commits without them)."""
    require("planalign_core.sweep.runner", "run_sweep")
    return require("planalign_core.sweep.plan"), require("planalign_core.sweep.runner")


class SweepThroughput(WarmCall):
    """Runs per second of a small sweep on a local cluster of 1 and 2 workers.

    ``track_sweep_rate`` is the figure the graph shows: one whole sweep of ``SEEDS`` runs, the
    first in its process, as a user's sweep is. Its sampled twin ``time_sweep`` is what a
    pull-request check judges (``tools.bench_compare.twin_of``): one sweep a process was
    judged on one value, and failed an A/A check (0.90, then 0.78 re-measured, 28 November).
    The twin times sweeps of ``TWIN_SEEDS`` runs (the same runs, half as many, to keep the
    check's budget) after an untimed warm one (a process's first sweep pays the workers'
    imports: 3.3 s against 2.7 s at 1 worker). The cluster starts once per process
    (:func:`_scheduler`), outside the timing.
    """

    params = [[1, 2]]
    param_names = ["workers"]
    timeout = 600
    timer = time.perf_counter  # the wall clock: the work runs in the workers' processes

    def setup(self, workers: int) -> None:
        plan, self.runner = _sweep_modules()
        self.plans = {seeds: _plan(plan, seeds) for seeds in (SEEDS, TWIN_SEEDS)}
        self.scheduler = _scheduler(workers)
        self.scratch = scratch_dir("planalign-bench-sweep-")
        self.sweeps = 0

    def teardown(self, workers: int) -> None:
        if hasattr(self, "scratch"):
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _sweep(self, seeds: int) -> Any:
        """One whole sweep into a fresh folder (a folder's finished runs would be skipped)."""
        self.sweeps += 1
        out = self.scratch / f"out-{self.sweeps}"
        outcome = self.runner.run_sweep(
            self.plans[seeds], out, scheduler=self.scheduler, stream=None
        )
        if outcome.failures or len(outcome.results) != seeds:
            raise RuntimeError(f"the sweep did not complete: {outcome.failures}")
        return outcome

    def time_sweep(self, workers: int) -> None:
        self._sweep(TWIN_SEEDS)

    def track_sweep_rate(self, workers: int) -> float:
        return SEEDS / self._sweep(SEEDS).running_seconds

    track_sweep_rate.unit = "runs/s"  # type: ignore[attr-defined]
    track_sweep_rate.rounds = 1  # type: ignore[attr-defined]  # shown, not judged: its twin is


def _plan(plan: Any, seeds: int) -> Any:
    """A sweep of seeds 1..``seeds``, one scenario, ``YEARS`` years of the 1k census file."""
    return plan.make_plan(
        tuple(range(1, seeds + 1)), [], years=YEARS, start_year=START_YEAR,
        employees=None, census_path=census_file(EMPLOYEES),
    )  # fmt: skip


_CLUSTERS: dict[int, Any] = {}


def _scheduler(workers: int) -> str:
    """The address of this process's local cluster of ``workers`` workers, started on first
    use with the sweep's own settings (``sweep.cluster.connect``) and left to the process's
    exit: asv runs each benchmark in a process of its own."""
    if workers not in _CLUSTERS:
        cluster = require("planalign_core.sweep.cluster")
        context = cluster.connect(workers, None)
        client = context.__enter__()
        _CLUSTERS[workers] = (context, client)
    return str(_CLUSTERS[workers][1].scheduler.address)


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
        sweep = _plan(plan, REAL_RUNS)
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
