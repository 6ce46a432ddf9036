"""The history's step check: a step on the Regressions page is re-measured before it stands.

A history measures each commit once, one after the other. On a shared machine the load changes
between commits, and a benchmark measured once per commit shows that change as a step (a
history made beside a busy core, 27 November: the 5k x 5 pipeline's CPU time 1.46 s at one
commit, 2.25 s at the next, which changed only ``asv.conf.json``). So, as a pull-request check
confirms a candidate, the history confirms a step: after ``asv publish``, every step that asv's
regression detection puts at a commit measured in this run (``regressions.json``) is measured
again on that commit and the one before it, in rounds interleaved across the two (asv's
``--interleave-rounds``: a load change falls on both), and the new results replace the old ones
for that benchmark on those commits. The site is then published again: a step that was the load
is gone, a step that was the code stays.

A step that still stands is measured once more, in twice the rounds (``STEP_PASSES``), fresh:
beside a busy core one benchmark process can run 30-45 % slower than another for all its samples
(a history of 27 November: two of five steps stood after one pass of 2 rounds), and a false step
must then survive 4 fresh processes a commit. Each pass replaces the one before instead of
adding to it: the samples that made the step are the slow ones, and kept in the pool they would
hold it up. ``BENCH_STEP_PASSES`` caps the passes (the e2e test's toy history runs one).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tools.asvtool import REMEASURE_LAUNCH

# Rounds of each pass: processes per commit, interleaved ABBA; each round takes its own samples.
STEP_PASSES = (2, 4)


def step_passes() -> tuple[int, ...]:
    """The passes' rounds, the first ``$BENCH_STEP_PASSES`` of them (all by default)."""
    wanted = os.environ.get("BENCH_STEP_PASSES", "")
    return STEP_PASSES[: int(wanted)] if wanted.isdigit() else STEP_PASSES


def flagged_steps(
    html_dir: Path, measured: Iterable[str], parent: Callable[[str], str]
) -> dict[str, list[str]]:
    """Benchmark -> the commits to measure again (oldest first): for each step asv flags at a
    commit of ``measured``, that commit and the one before it (the jump's start, or
    ``parent`` of the commit where asv names no start: the range is that one commit)."""
    regressions = json.loads((html_dir / "regressions.json").read_text())["regressions"]
    index = json.loads((html_dir / "index.json").read_text())
    to_hash = {int(revision): commit for revision, commit in index["revision_to_hash"].items()}
    to_revision = {commit: revision for revision, commit in to_hash.items()}
    wanted = set(measured)
    steps: dict[str, set[str]] = {}
    for entry in regressions:
        graph_path, jumps = entry[1], entry[6]
        name = Path(graph_path).name.removesuffix(".json")
        for start, end, _before, _after in jumps:
            commit = to_hash.get(end)
            if commit not in wanted:
                continue
            before = to_hash[start] if start is not None else parent(commit)
            steps.setdefault(name, set()).update({before, commit})
    return {
        name: sorted(commits, key=lambda c: to_revision.get(c, -1))
        for name, commits in sorted(steps.items())
    }


def by_commits(steps: dict[str, list[str]]) -> dict[tuple[str, ...], list[str]]:
    """The flagged benchmarks grouped by the commits they need: one asv run per group, so a
    commit's wheel is installed once a round, not once per benchmark."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, commits in steps.items():
        groups.setdefault(tuple(commits), []).append(name)
    return groups


def remeasure_options(names: Sequence[str], machine: str, rounds: int) -> list[str]:
    """``asv run`` options that measure these benchmarks (every parameter) again, ``rounds``
    processes a commit, interleaved, each spawned (``asvtool.REMEASURE_LAUNCH``). asv matches a
    parameterized benchmark's regex against ``name(params)``."""
    return [
        *(f"--bench=^{re.escape(name)}(\\(.*\\))?$" for name in names),
        "--machine", machine, "--show-stderr", REMEASURE_LAUNCH,
        "-a", f"rounds={rounds}", "--interleave-rounds",
    ]  # fmt: skip


def report(before: dict[str, list[str]], after: dict[str, list[str]], passes: int = 1) -> str:
    """What the step check did, for the log."""
    if not before:
        return "Step check: asv flags no step at a commit measured in this run."
    lines = [
        f"Step check: {len(before)} benchmark(s) with a step, measured again ({passes} pass(es)):"
    ]
    for name, commits in before.items():
        verdict = "still a step" if name in after else "gone (it was the load)"
        if name in after and after[name] != commits:  # the re-measure moved it
            verdict += f", now at {', '.join(c[:8] for c in after[name])}"
        lines.append(f"  {name} at {', '.join(c[:8] for c in commits)}: {verdict}")
    return "\n".join(lines)
