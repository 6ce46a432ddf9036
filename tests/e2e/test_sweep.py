"""``planalign sweep`` on real Dask clusters, end to end.

- A ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 (the module's cluster):
  a sweep through ``--scheduler``; a pair that fails (a file where its folder must go) is
  retried, reported with its scenario and seed while the others complete, and re-done alone
  once the fault is gone; a worker killed mid-sweep, and the sweep still completes with the
  same outputs.
- A ``LocalCluster`` of 1 and of 2 workers, the pairs submitted in grid and in shuffled order:
  the same outputs as the reference.

The reference is the same pairs run one after the other in this process
(``tests.sweep_support.serial_sweep``); every table of every pair is compared.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planalign_core.cli import main
from planalign_core.sweep import layout
from planalign_core.sweep.plan import SweepPlan, make_plan
from planalign_core.sweep.runner import run_sweep
from planalign_core.sweep.task import PairResult
from tests.e2e.test_asv_history import find_browser, read_png, screenshot
from tests.sweep_support import (
    GROWTH,
    REPO,
    differing,
    leftovers,
    read_sweep,
    serial_sweep,
    small_plan,
)

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
WORKER_ENV = {**os.environ, "POLARS_MAX_THREADS": "1"}


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]


def _scheduler_address(path: Path, seconds: float = 60) -> str:
    """The address in the scheduler's file, once written whole: Dask creates the file before
    it writes it, and a read in between found it empty (29 November, one run in two suites)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return str(json.loads(path.read_text())["address"])
        except (OSError, ValueError, KeyError):
            assert time.monotonic() < deadline, f"no scheduler file after {seconds} s"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two single-threaded workers, each its own process (no nanny: a killed
    worker stays dead, as when its machine goes)."""
    from distributed import Client  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)], **quiet,
    )  # fmt: skip
    address = _scheduler_address(scheduler_file)
    worker = [BIN / "dask", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
              "--host", "127.0.0.1"]  # fmt: skip
    workers = [subprocess.Popen(worker, env=WORKER_ENV, **quiet) for _ in range(2)]
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield Cluster(address, scheduler, workers)
    finally:
        for process in [*workers, scheduler]:
            process.terminate()
        for process in [*workers, scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds 1-8 of the growth scenario, run one after the other in this process."""
    out = tmp_path_factory.mktemp("reference") / "out"
    serial_sweep(growth_plan(tuple(range(1, 9))), out)
    return out


def growth_plan(seeds: tuple[int, ...]) -> SweepPlan:
    return make_plan(seeds, [GROWTH], years=2, start_year=2025, employees=200, census_path=None)


def sweep_cli(out: Path, seeds: str, cluster: Cluster) -> list[str]:
    return ["sweep", "--seeds", seeds, "--scenario", f"growth={GROWTH.config_path}",
            "--employees", "200", "--years", "2", "--out", str(out),
            "--scheduler", cluster.address]  # fmt: skip


def test_a_sweep_through_a_running_scheduler(
    cluster: Cluster, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [BIN / "planalign", *sweep_cli(out, "1-4", cluster)],
        capture_output=True, text=True, timeout=300, check=False, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "4 run(s) done" in done.stdout
    assert "4/4 runs, 0 failed" in done.stderr and "on 2 Dask worker(s)" in done.stderr
    assert differing(read_sweep(out), read_sweep(reference, (1, 2, 3, 4))) == []
    assert leftovers(out) == []


def _erred_attempts(cluster: Cluster, scenario: str, seed: int) -> int:
    """How many times the scheduler saw the pair's task fail on a worker (its retries
    included), from the scheduler's own transition log."""
    from distributed import Client  # noqa: PLC0415

    prefix = f"planalign-{scenario}-{seed}-"

    def count(dask_scheduler) -> int:  # type: ignore[no-untyped-def]
        return sum(
            1
            for t in dask_scheduler.transition_log
            if str(t.key).startswith(prefix)
            and t.start == "processing"
            and "task-erred" in t.stimulus_id
        )

    with Client(cluster.address, timeout="30s") as client:
        return int(client.run_on_scheduler(count))


def test_a_failing_pair_is_retried_reported_and_redone_alone(
    cluster: Cluster, reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(sweep_cli(out, "1-2", cluster)) == 0
    blocker = layout.part_path(out, "int_employee_contributions", "growth", 3).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the pair's folder must go")
    capsys.readouterr()

    assert main(sweep_cli(out, "1-4", cluster)) == 2
    printed = capsys.readouterr()
    assert "1 run(s) done" in printed.out and "2 already done, 1 failed, of 4" in printed.out
    assert "failed: scenario 'growth' seed 3: FileExistsError" in printed.out
    assert "1 of 4 runs failed" in printed.err
    assert _erred_attempts(cluster, "growth", 3) == 3  # the first try and 2 retries
    assert layout.finished_runs(out) == [("growth", 1), ("growth", 2), ("growth", 4)]

    blocker.unlink()
    outcome = run_sweep(growth_plan((1, 2, 3, 4)), out, scheduler=cluster.address, stream=None)
    assert (outcome.skipped, [r.seed for r in outcome.results]) == (3, [3])
    assert differing(read_sweep(out), read_sweep(reference, (1, 2, 3, 4))) == []


def test_an_interrupted_sweep_keeps_its_finished_runs_and_goes_on(
    cluster: Cluster, reference: Path, tmp_path: Path
) -> None:
    """SIGTERM mid-sweep: exit 143 saying the finished runs are kept; the same command then
    runs only the others, and the folder equals the reference."""
    out = tmp_path / "out"
    sweep = subprocess.Popen(
        [BIN / "planalign", *sweep_cli(out, "1-8", cluster)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not layout.finished_runs(out) and sweep.poll() is None:
        assert time.monotonic() < deadline, "no run finished"
        time.sleep(0.05)
    sweep.send_signal(signal.SIGTERM)
    _stdout, stderr = sweep.communicate(timeout=60)
    assert sweep.returncode == 143, stderr
    assert "interrupted; the finished runs are kept" in stderr
    kept = len(layout.finished_runs(out))
    assert 1 <= kept < 8
    outcome = run_sweep(growth_plan(tuple(range(1, 9))), out, scheduler=cluster.address,
                        stream=None)  # fmt: skip
    # a task under way when the client left may finish on its worker: kept too
    assert outcome.skipped >= kept and outcome.skipped + len(outcome.results) == 8
    assert differing(read_sweep(out), read_sweep(reference)) == []


def test_a_killed_worker_does_not_stop_the_sweep(
    cluster: Cluster, reference: Path, tmp_path: Path
) -> None:
    """Runs last in the module: it kills one of the module's workers."""
    out = tmp_path / "out"
    sweep = subprocess.Popen(
        [BIN / "planalign", *sweep_cli(out, "1-8", cluster)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not layout.finished_runs(out) and sweep.poll() is None:
            assert time.monotonic() < deadline, "no run finished"
            time.sleep(0.05)
        finished_at_kill = len(layout.finished_runs(out))
        victim = cluster.workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=20)
        stdout, stderr = sweep.communicate(timeout=300)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    assert sweep.returncode == 0, stderr
    assert 1 <= finished_at_kill < 8  # killed mid-sweep
    assert "0 failed, of 8" in stdout
    assert differing(read_sweep(out), read_sweep(reference)) == []
    assert leftovers(out) == []


def test_local_clusters_of_1_and_2_workers_in_any_order_give_the_same_tables(
    tmp_path: Path,
) -> None:
    plan = small_plan((11, 12))
    serial_sweep(plan, tmp_path / "reference")
    reference = read_sweep(tmp_path / "reference")
    shuffled = plan.pairs
    random.Random(5).shuffle(shuffled)
    assert shuffled != plan.pairs
    for workers, order in ((1, None), (2, shuffled)):
        out = tmp_path / f"workers-{workers}"
        outcome = run_sweep(plan, out, workers=workers, order=order, stream=None)
        assert outcome.workers == workers and outcome.failures == []
        assert all(isinstance(r, PairResult) for r in outcome.results)  # counts, never rows
        assert sorted((r.scenario, r.seed) for r in outcome.results) == sorted(plan.pairs)
        assert differing(read_sweep(out), reference) == [], f"{workers} worker(s)"


def _plotted(path: Path) -> int:
    """Pixels of the first scenario's colour (#0072B2), pure or blended with white."""
    _width, _height, rows = read_png(path)
    return sum(
        1 for row in rows for x in range(0, len(row), 3)
        if row[x + 2] > 170 and row[x + 2] - row[x] > 35
    )  # fmt: skip


def test_the_report_page_shows_its_fan_charts_in_headless_chromium(
    reference: Path, tmp_path: Path
) -> None:
    browser = find_browser()
    if browser is None:
        pytest.skip("no headless Chromium here (`.ci/run` installs Debian's chromium)")
    assert main(["sweep-report", str(reference), "--out", str(tmp_path / "report")]) == 0
    page = tmp_path / "report" / "report.html"
    bare = tmp_path / "bare.html"  # the same page without its pictures: the control
    text = page.read_text(encoding="utf-8")
    bare.write_text(text.replace("<img ", "<span hidden "), encoding="utf-8")
    shot, control = tmp_path / "page.png", tmp_path / "bare.png"
    screenshot(browser, page.as_uri(), shot, tmp_path / "profile")
    screenshot(browser, bare.as_uri(), control, tmp_path / "profile")
    drawn, blank = _plotted(shot), _plotted(control)
    assert drawn > 3000, f"no chart drawn in {shot} ({drawn} pixels)"
    assert blank < drawn / 20, f"{control}: {blank} pixels of the charts' colour"
