"""The history's step check: a step on the Regressions page is re-measured before it stands.

A history measures each commit once, one after the other. On a shared machine the load changes
between commits, and a benchmark measured once per commit shows that change as a step (a
history made beside a busy core, 27 November: the 5k x 5 pipeline's CPU time 1.46 s at one
commit, 2.25 s at the next, which changed only ``asv.conf.json``). So, as a pull-request check
confirms a candidate, the history confirms a step: after ``asv publish``, every step that asv's
regression detection puts at a commit measured in this run (``regressions.json``) is measured
again on that commit and the one before it, ``STEP_ROUNDS`` rounds interleaved across the two
(asv's ``--interleave-rounds``: a load change falls on both), and the new results replace the
old ones for that benchmark on those commits. The site is then published again: a step that
was the load is gone, a step that was the code stays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

STEP_ROUNDS = 2  # processes per commit, interleaved ABBA; each round takes its own samples


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


def remeasure_options(names: Sequence[str], machine: str) -> list[str]:
    """``asv run`` options that measure these benchmarks (every parameter) again, interleaved.
    asv matches a parameterized benchmark's regex against ``name(params)``."""
    return [
        *(f"--bench=^{re.escape(name)}(\\(.*\\))?$" for name in names),
        "--machine", machine, "--show-stderr", "-a", f"rounds={STEP_ROUNDS}", "--interleave-rounds",
    ]  # fmt: skip


def report(before: dict[str, list[str]], after: dict[str, list[str]]) -> str:
    """What the step check did, for the log."""
    if not before:
        return "Step check: asv flags no step at a commit measured in this run."
    lines = [f"Step check: {len(before)} benchmark(s) with a step, measured again:"]
    for name, commits in before.items():
        verdict = "still a step" if name in after else "gone (it was the load)"
        lines.append(f"  {name} at {', '.join(c[:8] for c in commits)}: {verdict}")
    return "\n".join(lines)
