"""A sweep from start to end: inputs checked, the folder's manifest agreed, finished pairs
skipped, the rest run on Dask, progress reported, failures collected."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from planalign_core.errors import SweepError
from planalign_core.sweep import cluster, layout
from planalign_core.sweep.cluster import Failure
from planalign_core.sweep.manifest import pair_fingerprint, reconcile
from planalign_core.sweep.plan import SweepPlan, check, job
from planalign_core.sweep.task import PairResult

BAR_WIDTH = 30


@dataclass
class Outcome:
    """What a sweep did: runs done now, skipped as already finished, failed."""

    total: int
    skipped: int
    results: list[PairResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0  # the cluster's start included
    running_seconds: float = 0.0  # from the first task submitted to the last outcome
    workers: int = 0
    dashboard: str | None = None


class Progress:
    """Runs done of the total, failures, elapsed time and an ETA from this sweep's own pace
    (pairs skipped as already finished do not count towards it), one line per outcome."""

    def __init__(self, total: int, skipped: int, stream: TextIO | None = sys.stderr) -> None:
        self.total, self.skipped = total, skipped
        self.done = self.failed = 0
        self.stream = stream
        self.started = time.perf_counter()

    def eta(self, now: float) -> float | None:
        """Seconds left at the pace so far, or None before the first outcome."""
        finished = self.done + self.failed
        if finished == 0:
            return None
        left = self.total - self.skipped - finished
        return (now - self.started) / finished * left

    def line(self, now: float) -> str:
        count = self.skipped + self.done + self.failed
        filled = BAR_WIDTH * count // max(self.total, 1)
        eta = self.eta(now)
        return (
            f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {count}/{self.total} runs"
            f"{f' ({self.skipped} already done)' if self.skipped else ''}, "
            f"{self.failed} failed, {now - self.started:.1f} s, "
            f"ETA {'?' if eta is None else f'{eta:.0f} s'}"
        )

    def __call__(self, outcome: PairResult | Failure) -> None:
        if isinstance(outcome, Failure):
            self.failed += 1
            self._print(
                f"failed: scenario {outcome.scenario!r} seed {outcome.seed}: {outcome.error}"
            )
        else:
            self.done += 1
        self._print(self.line(time.perf_counter()))

    def _print(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)


def run_sweep(
    plan: SweepPlan,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    order: Sequence[tuple[str, int]] | None = None,
    stream: TextIO | None = sys.stderr,
    on_start: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Run every (scenario, seed) of ``plan`` not finished in ``out`` yet; ``order`` submits
    the pairs in another order (the outputs do not depend on it)."""
    pairs = plan.pairs
    if order is not None and sorted(order) != sorted(pairs):
        raise SweepError("order: must list every (scenario, seed) of the sweep once")
    manifest = reconcile(out, check(plan))
    fingerprints = {s.name: pair_fingerprint(manifest, s.name) for s in plan.scenarios}
    finished = layout.finished(out, fingerprints, pairs)
    scenarios = {s.name: s for s in plan.scenarios}
    jobs = [
        job(plan, manifest, out, scenarios[name], seed)
        for name, seed in (order or pairs)
        if (name, seed) not in finished
    ]
    outcome = Outcome(total=len(pairs), skipped=len(finished))
    if not jobs:
        return outcome
    started = time.perf_counter()
    with cluster.connect(workers, scheduler) as client:
        cluster.warm(client)
        outcome.workers = cluster.worker_count(client)
        outcome.dashboard = cluster.dashboard_link(client)
        if on_start is not None:
            on_start(outcome)
        progress = Progress(outcome.total, outcome.skipped, stream)
        outcome.results, outcome.failures = cluster.submit_all(client, jobs, progress)
        outcome.running_seconds = time.perf_counter() - progress.started
    outcome.seconds = time.perf_counter() - started
    return outcome
