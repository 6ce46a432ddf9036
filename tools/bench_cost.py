"""What a re-measure will cost, from what the screen's processes took: the pull-request check's
time budget (docs/benchmarks.md, "Budget") decides from it which re-measures run.

A 25 % slowdown of the engine put 9 benchmarks forward in a check of the whole suite
(28 November): re-measured in 6 spawned processes a commit, callgrind's count (12 s a process)
and the sweep's twin (5 s a process, two parameter sets) cost most of the check's 756 s. The
check needs only one confirmed regression to fail, so the costly candidates wait until the
cheap ones have confirmed none (:func:`cheap_first`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from asv.results import iter_results_for_machine_and_hash

SPAWN_SECONDS = 1.0  # a spawned process imports what the screen's forked ones inherit
INVOCATION_SECONDS = 20.0  # an ``asv continuous`` call: a build and an install per commit


def process_seconds(
    results_dir: str, machine: str, commits: Sequence[str], benchmarks: Mapping[str, Any]
) -> dict[str, float]:
    """Seconds one process of each benchmark took in the last round of ``results_dir``'s run
    (asv records a round's duration over every parameter set), the slower commit's, by name
    without parameters."""
    seconds: dict[str, float] = {}
    for commit in commits:
        for result in iter_results_for_machine_and_hash(results_dir, machine, commit):
            for key, duration in result.duration.items():
                if key not in benchmarks:
                    continue  # "<build>", "<setup_cache ...>"
                params = benchmarks[key].get("params") or []
                sets = math.prod(len(values) for values in params) or 1
                seconds[key] = max(seconds.get(key, 0.0), duration / sets)
    return seconds


def batch_seconds(names: Iterable[str], seconds: Mapping[str, float], rounds: int) -> float:
    """The estimated wall time of re-measuring ``names`` (with parameters) in ``rounds``
    spawned processes a commit, one ``asv continuous`` call."""
    per_round = sum(seconds.get(_key(name), 0.0) + SPAWN_SECONDS for name in names)
    return INVOCATION_SECONDS + 2 * rounds * per_round


def cheap_first(
    names: Sequence[str], seconds: Mapping[str, float], rounds: int, budget: float
) -> tuple[list[str], list[str]]:
    """``names`` split in two batches: the cheapest while their re-measure stays within
    ``budget`` seconds (at least one), and the rest."""
    ordered = sorted(names, key=lambda name: (seconds.get(_key(name), 0.0), name))
    first = 1
    while first < len(ordered) and batch_seconds(ordered[: first + 1], seconds, rounds) <= budget:
        first += 1
    return ordered[:first], ordered[first:]


def _key(name: str) -> str:
    return name.split("(", maxsplit=1)[0]
