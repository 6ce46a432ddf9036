"""The pull-request check: ``asv continuous`` between a base and a head commit, judged.

Stage 1 runs the suite on both commits (interleaved rounds, so a load change on the machine hits
both alike) and screens every benchmark against the users' thresholds (tools/bench_compare.py).
Stage 2 re-measures only the candidates, in fresh interleaved processes, and keeps those that
regress again (family-wise controlled). Results go under ``.asv/pr/``, never where the history
is published from. Writes a Markdown table for the pull request and a JSON verdict.

Exit status: 0 no regression; 1 a performance regression (named); 2 a benchmark failed to run
on the head commit, or asv produced no results (named; a broken benchmark is not a verdict).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tools.asvtool import (
    REMEASURE_LAUNCH,
    Machine,
    ToolError,
    asv,
    load_config,
    pin_machine,
    priority_note,
    repo_path,
    resolve_commit,
    scratch_config,
    this_machine,
)
from tools.bench_compare import (
    LIMITS,
    REPORTED,
    Kind,
    Measurement,
    Row,
    Verdict,
    compare,
    confirm,
    describe,
    load_benchmarks,
    load_measurements,
    with_verdict,
)
from tools.bench_cost import batch_seconds, cheap_first, process_seconds

EXIT_OK, EXIT_REGRESSION, EXIT_FAILED = 0, 1, 2
DEFAULT_MARKDOWN = ".asv/pr-comment.md"
DEFAULT_JSON = ".asv/pr-verdict.json"
PR_RESULTS = ".asv/pr"  # stage 1 and 2 results: never published
# Stage 2's fresh processes per commit, interleaved (ABBA...): 6 where a candidate can fail the
# check (4 let one slow spell over "BB" confirm 1.20 on identical code, 28 November); 4 for
# suggested slowdowns and improvements, in a run of their own, since they never fail it.
CONFIRM_ROUNDS, REPORT_ROUNDS = 6, 4
SCREEN = "screen"  # the first stage, in forked processes; every re-measure is spawned
CHECK_BUDGET_SECONDS = 480  # the users' 8 minutes: what only reports is left out past it
FIRST_CONFIRM_SECONDS = 150  # the cheap candidates' re-measure, before the costly ones'
MARKER = "<!-- planalign-benchmarks -->"  # the workflow edits the comment that carries it


def limit_text(kind: Kind) -> str:
    limit = LIMITS.get(kind)
    if limit is None:
        return "report"
    sign = "-" if kind is Kind.THROUGHPUT else "+"
    return f"{sign}{limit:.0%}"


def ratio_text(row: Row) -> str:
    """The ratio; for a throughput judged by its sampled twin, the twin's rate ratio too."""
    text = "" if row.ratio is None else f"{row.ratio:.2f}"
    if row.twin is not None and row.twin_ratio is not None:
        text += f" (judged on {row.twin.split('.')[-1]}: {row.twin_ratio:.2f})"
    return text


def confirmed_text(row: Row) -> str:
    if row.verdict is Verdict.CANDIDATE:  # left once another candidate failed the check
        return "not re-measured"
    if row.confirmed_ratio is None:
        return ""
    p = "" if row.confirmed_p is None else f", p={row.confirmed_p:.2g}"
    return f"{row.confirmed_ratio:.2f}{p}"


def markdown(rows: Sequence[Row], base: str, head: str, status: int, note: str = "") -> str:
    """The pull-request comment: a verdict line and a table of the changed benchmarks."""
    headline = {
        EXIT_OK: "No performance regression",
        EXIT_REGRESSION: "Performance regression",
        EXIT_FAILED: "A benchmark failed to run",
    }[status]
    limits = ", ".join(f"{kind.value} {limit_text(kind)}" for kind in LIMITS)
    counts = {verdict: sum(row.verdict is verdict for row in rows) for verdict in Verdict}
    summary = ", ".join(f"{n} {verdict.value}" for verdict, n in counts.items() if n)
    lines = [
        MARKER,
        f"### Benchmarks: {headline}",
        "",
        f"`{base[:8]}` (base) -> `{head[:8]}` (head): {summary or 'no results'}.",
        f"Limits: {limits}, each also statistically significant and confirmed by a second, "
        "fresh measurement; outputs for the fixed seed are reported on any change. "
        "Times are CPU seconds unless the benchmark says wall.",
        *([note] if note else []),
        "",
    ]
    shown = [row for row in rows if row.verdict in REPORTED]
    if not shown:
        lines.append("No benchmark changed beyond its limit.")
        return "\n".join(lines) + "\n"
    order = {verdict: i for i, verdict in enumerate(REPORTED)}
    shown.sort(key=lambda row: (order[row.verdict], row.name))
    lines += [
        "| Verdict | Benchmark | Kind | Before | After | Ratio | Re-measured | Limit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in shown:
        cells = [
            f"**{row.verdict.value}**" if row.verdict is Verdict.REGRESSION else row.verdict.value,
            f"`{row.name}`",
            row.kind.value,
            describe(row.before, row.unit),
            describe(row.after, row.unit),
            ratio_text(row),
            confirmed_text(row),
            limit_text(row.kind),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def verdict_status(rows: Sequence[Row]) -> tuple[int, str]:
    """The exit status and the one-line message that explains it."""
    failed = [row.name for row in with_verdict(rows, Verdict.FAILED)]
    slower = [row.name for row in with_verdict(rows, Verdict.REGRESSION, Verdict.CANDIDATE)]
    if failed:
        return EXIT_FAILED, (
            f"BENCHMARK FAILED TO RUN on the head commit: {', '.join(failed)} "
            "(an error in the benchmark or the code it calls, not a timing; see the log above)"
        )
    if slower:
        return EXIT_REGRESSION, f"PERFORMANCE REGRESSION: {', '.join(slower)}"
    return EXIT_OK, "No performance regression."


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_pr", description=__doc__)
    parser.add_argument("--base", help="base commit (default: origin/main, else main)")
    parser.add_argument("--head", default="HEAD", help="commit to check (default %(default)s)")
    parser.add_argument("--machine", help="machine name for the results (default: host name)")
    parser.add_argument("--bench", action="append", default=[], help="only benchmarks matching")
    parser.add_argument(
        "--no-confirm", action="store_true",
        help="judge on stage 1 alone (for measuring what the confirmation pass is worth)",
    )  # fmt: skip
    parser.add_argument(
        "--markdown", default=DEFAULT_MARKDOWN, help="where to write the table (%(default)s)"
    )
    parser.add_argument(
        "--json", default=DEFAULT_JSON, help="where to write the verdict (%(default)s)"
    )
    return parser.parse_args(argv)


def default_base(branch: str) -> str:
    """The remote's copy of the branch if there is one (a pull request's base), else the branch."""
    try:
        return resolve_commit(f"origin/{branch}")
    except ToolError:
        return resolve_commit(branch)


def measure(
    stage: str, machine: Machine, base: str, head: str, patterns: Sequence[str], *extra: str
) -> tuple[dict[str, Any], dict[str, Measurement], dict[str, Measurement]]:
    """``asv continuous`` of the two commits into a fresh results folder of its own; returns
    the suite's descriptions and both commits' results."""
    results = repo_path(PR_RESULTS) / stage
    shutil.rmtree(results, ignore_errors=True)
    config = scratch_config(results)
    options = ["--machine", machine.name, "--factor", "1.15", "--show-stderr", *extra]
    # a re-measure (any stage after the screen) runs each process spawned, fresh
    options += [] if stage == SCREEN else [REMEASURE_LAUNCH]
    options += [f"--bench={pattern}" for pattern in patterns]
    asv("continuous", *options, base, head, config=config)  # its status is not a verdict
    benchmarks = load_benchmarks(load_config(config), [])  # the folder holds what ran
    before = load_measurements(str(results), machine.name, base, benchmarks)
    after = load_measurements(str(results), machine.name, head, benchmarks)
    for commit, found in ((base, before), (head, after)):
        if not found:
            raise ToolError(f"asv produced no results for {commit[:8]}; see its output above")
    return benchmarks, before, after


def remeasure(
    names: Sequence[str], context: tuple[Machine, str, str], *, stage: str, rounds: int
) -> tuple[dict[str, Measurement], dict[str, Measurement]]:
    """Both commits' fresh results for ``names`` (with parameters), in ``rounds`` spawned
    processes a commit, one ``asv continuous`` call of their own."""
    if not names:
        return {}, {}
    machine, base, head = context
    patterns = [exact(name) for name in names]
    _, before, after = measure(stage, machine, base, head, patterns, "-a", f"rounds={rounds}")
    return before, after


def targets(rows: Sequence[Row], *verdicts: Verdict) -> dict[str, str]:
    """The rows with one of ``verdicts``, each with what re-measures it: a throughput judged
    by its sampled twin is re-measured through the twin alone."""
    return {row.name: row.twin or row.name for row in rows if row.verdict in verdicts}


def screen_seconds(
    context: tuple[Machine, str, str], benchmarks: Mapping[str, Any]
) -> dict[str, float]:
    """What one process of each benchmark took in the screen (``bench_cost``)."""
    machine, base, head = context
    results = str(repo_path(PR_RESULTS) / SCREEN)
    return process_seconds(results, machine.name, (base, head), benchmarks)


def stage_two(
    rows: list[Row],
    benchmarks: Mapping[str, Any],
    context: tuple[Machine, str, str],
    started: float,
) -> tuple[list[Row], str]:
    """Re-measure what the screen put forward, within the check's budget, and settle it.

    The candidates run cheapest first (``bench_cost.cheap_first``), in ``CONFIRM_ROUNDS``; the
    costly ones only if the cheap ones confirmed no regression, since one fails the check. What
    only reports (suggested slowdowns, improvements) runs in a call of its own at
    ``REPORT_ROUNDS``, only while the check passes and the re-measure fits the time left of
    ``CHECK_BUDGET_SECONDS``. Returns the rows and a note naming what was not re-measured: a
    candidate left so stays "to confirm" (the check has failed anyway); a report-only row is
    left out, as noise is."""
    seconds = screen_seconds(context, benchmarks)
    candidates = targets(rows, Verdict.CANDIDATE)
    first, costly = cheap_first(
        sorted(set(candidates.values())), seconds, CONFIRM_ROUNDS, FIRST_CONFIRM_SECONDS
    )
    before, after = remeasure(first, context, stage="confirm", rounds=CONFIRM_ROUNDS)
    early = [row for row in rows if candidates.get(row.name) in first]
    failed = _confirms_one(early, before, after)
    skipped: list[str] = []
    if costly and failed:
        skipped += [name for name, target in candidates.items() if target in costly]
    elif costly:
        print(f"\nNo regression confirmed yet; re-measuring {', '.join(costly)}", flush=True)
        more = remeasure(costly, context, stage="confirm-costly", rounds=CONFIRM_ROUNDS)
        before, after = {**before, **more[0]}, {**after, **more[1]}
        failed = _confirms_one([row for row in rows if row.name in candidates], before, after)
    report = targets(rows, Verdict.SUGGESTED, Verdict.BETTER_TO_CONFIRM)
    wanted = sorted(set(report.values()) - set(before))
    left = CHECK_BUDGET_SECONDS - (time.monotonic() - started)
    if wanted and not failed and batch_seconds(wanted, seconds, REPORT_ROUNDS) <= left:
        more = remeasure(wanted, context, stage="report", rounds=REPORT_ROUNDS)
        before, after = {**before, **more[0]}, {**after, **more[1]}
    else:
        skipped += [name for name, target in report.items() if target in wanted]
    # settled without the skipped rows: Holm's family is what was re-measured, as it was when
    # the first batch failed the check
    kept = [row for row in rows if row.name not in skipped]
    done = {row.name: row for row in confirm(kept, before, after)}
    noise = {Verdict.SUGGESTED: Verdict.NOISE, Verdict.BETTER_TO_CONFIRM: Verdict.NOISE}
    settled_rows = [  # a skipped row keeps the screen's verdict, but only a candidate is shown
        done.get(row.name) or replace(row, verdict=noise.get(row.verdict, row.verdict))
        for row in rows
    ]
    why = "the check had already failed" if failed else "the check's time budget"
    note = f"Not re-measured ({why}): {', '.join(skipped)}." if skipped else ""
    return settled_rows, note


def _confirms_one(
    rows: Sequence[Row], before: Mapping[str, Measurement], after: Mapping[str, Measurement]
) -> bool:
    """Whether the fresh results confirm at least one of these candidates: the check fails."""
    return any(row.verdict is Verdict.REGRESSION for row in confirm(rows, before, after))


def exact(name: str) -> str:
    """A ``--bench`` pattern that selects one benchmark with its parameters, nothing else."""
    return "^" + re.escape(name) + "$"


def write_json(
    path: Path, rows: Sequence[Row], base: str, head: str, status: int, **info: Any
) -> None:
    """The verdict, machine-readable (tools/bench_drill.py reads it)."""
    payload = {
        "base": base, "head": head, "status": status, **info,
        "rows": [
            {
                "name": row.name, "kind": row.kind.value, "unit": row.unit,
                "verdict": row.verdict.value, "ratio": row.ratio, "p": row.p_value,
                "confirmed_ratio": row.confirmed_ratio, "confirmed_p": row.confirmed_p,
            }
            for row in rows
        ],
    }  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n")


def run(args: argparse.Namespace) -> int:
    conf = load_config()
    base = resolve_commit(args.base) if args.base else default_base(conf.branches[0])
    head = resolve_commit(args.head)
    if base == head:
        raise ToolError(f"base and head are the same commit ({base[:8]}): nothing to compare")
    machine = this_machine(args.machine)
    pin_machine(machine)
    note = priority_note()
    print(note, flush=True)
    started = time.monotonic()
    context = (machine, base, head)
    # Stage 1: each benchmark's own rounds (two for sampled times, so the commits interleave;
    # one for what reads a whole run of benchmarks/runs.py, which asv would redo every round).
    benchmarks, before, after = measure(SCREEN, machine, base, head, args.bench)
    rows = compare(benchmarks, before, after)
    screened = time.monotonic() - started
    candidates = [row.name for row in rows if row.verdict is Verdict.CANDIDATE]
    suggested = [row.name for row in rows if row.verdict is Verdict.SUGGESTED]
    improved = [row.name for row in rows if row.verdict is Verdict.BETTER_TO_CONFIRM]
    if (candidates or suggested or improved) and not args.no_confirm:
        for what, names in (
            ("candidate(s)", candidates),
            ("suggested slowdown(s) within the limit", suggested),
            ("improvement(s)", improved),
        ):
            if names:
                print(f"\nRe-measuring {len(names)} {what}: {', '.join(names)}", flush=True)
        rows, skipped_note = stage_two(rows, benchmarks, context, started)
        note = "\n\n".join(filter(None, (note, skipped_note)))
    elif candidates or suggested or improved:  # --no-confirm: stage 1 alone decides
        unconfirmed = {
            Verdict.CANDIDATE: Verdict.REGRESSION,
            Verdict.SUGGESTED: Verdict.NOISE,
            Verdict.BETTER_TO_CONFIRM: Verdict.IMPROVEMENT,
        }
        rows = [replace(row, verdict=unconfirmed.get(row.verdict, row.verdict)) for row in rows]
    status, message = verdict_status(rows)
    text = markdown(rows, base, head, status, note)
    path = Path(args.markdown)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    elapsed = time.monotonic() - started
    write_json(
        Path(args.json), rows, base, head, status,
        screen_seconds=round(screened, 1), total_seconds=round(elapsed, 1), priority=note,
    )  # fmt: skip
    print("\n" + text)
    print(f"{message}\n(Markdown table written to {path}; verdict in {args.json})")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{MARKER}\n### Benchmarks: could not compare\n\n{error}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
