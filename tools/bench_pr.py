"""The pull-request check: ``asv continuous`` between a base and a head commit, judged.

Runs the suite on both commits (interleaved rounds, so a load change on the machine hits both
alike), then judges every benchmark against the users' thresholds (tools/bench_compare.py) and
writes a Markdown table for the pull request.

Exit status: 0 no regression; 1 a performance regression (named); 2 a benchmark failed to run
on the head commit, or asv produced no results (named; a broken benchmark is not a verdict).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.asvtool import (
    ToolError,
    asv,
    load_config,
    pin_machine,
    repo_path,
    resolve_commit,
    this_machine,
)
from tools.bench_compare import (
    LIMITS,
    REPORTED,
    Kind,
    Row,
    Verdict,
    compare,
    describe,
    load_benchmarks,
    load_measurements,
    with_verdict,
)

EXIT_OK, EXIT_REGRESSION, EXIT_FAILED = 0, 1, 2
DEFAULT_MARKDOWN = ".asv/pr-comment.md"


def limit_text(kind: Kind) -> str:
    limit = LIMITS.get(kind)
    if limit is None:
        return "report"
    sign = "-" if kind is Kind.THROUGHPUT else "+"
    return f"{sign}{limit:.0%}"


def ratio_text(row: Row) -> str:
    return "" if row.ratio is None else f"{row.ratio:.2f}"


def markdown(rows: Sequence[Row], base: str, head: str, status: int) -> str:
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
        f"### Benchmarks: {headline}",
        "",
        f"`{base[:8]}` (base) -> `{head[:8]}` (head): {summary or 'no results'}.",
        f"Limits: {limits} (and statistically significant); outputs for the fixed seed are "
        "reported on any change.",
        "",
    ]
    shown = [row for row in rows if row.verdict in REPORTED]
    if not shown:
        lines.append("No benchmark changed beyond its limit.")
        return "\n".join(lines) + "\n"
    order = {verdict: i for i, verdict in enumerate(REPORTED)}
    shown.sort(key=lambda row: (order[row.verdict], row.name))
    lines += [
        "| Verdict | Benchmark | Kind | Before | After | Ratio | Limit |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in shown:
        cells = [
            f"**{row.verdict.value}**" if row.verdict is Verdict.REGRESSION else row.verdict.value,
            f"`{row.name}`",
            row.kind.value,
            describe(row.before, row.unit),
            describe(row.after, row.unit),
            ratio_text(row),
            limit_text(row.kind),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def verdict_status(rows: Sequence[Row]) -> tuple[int, str]:
    """The exit status and the one-line message that explains it."""
    failed = [row.name for row in with_verdict(rows, Verdict.FAILED)]
    slower = [row.name for row in with_verdict(rows, Verdict.REGRESSION)]
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
    parser.add_argument("--cpu-label", help="fixed CPU description (CI: runners differ)")
    parser.add_argument("--bench", action="append", default=[], help="only benchmarks matching")
    parser.add_argument(
        "--markdown", default=DEFAULT_MARKDOWN, help="where to write the table (%(default)s)"
    )
    return parser.parse_args(argv)


def default_base(branch: str) -> str:
    """The remote's copy of the branch if there is one (a pull request's base), else the branch."""
    try:
        return resolve_commit(f"origin/{branch}")
    except ToolError:
        return resolve_commit(branch)


def run(args: argparse.Namespace) -> int:
    conf = load_config()
    base = resolve_commit(args.base) if args.base else default_base(conf.branches[0])
    head = resolve_commit(args.head)
    if base == head:
        raise ToolError(f"base and head are the same commit ({base[:8]}): nothing to compare")
    machine = this_machine(args.machine, args.cpu_label)
    pin_machine(machine)
    options = ["--machine", machine.name, "--factor", "1.15", "--show-stderr"]
    options += [f"--bench={pattern}" for pattern in args.bench]
    asv("continuous", *options, base, head)  # its status is not a verdict: judged below
    benchmarks = load_benchmarks(conf, args.bench)
    before = load_measurements(str(repo_path(conf.results_dir)), machine.name, base, benchmarks)
    after = load_measurements(str(repo_path(conf.results_dir)), machine.name, head, benchmarks)
    for commit, found in ((base, before), (head, after)):
        if not found:
            raise ToolError(f"asv produced no results for {commit[:8]}; see its output above")
    rows = compare(benchmarks, before, after)
    status, message = verdict_status(rows)
    text = markdown(rows, base, head, status)
    path = Path(args.markdown)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print("\n" + text)
    print(f"{message}\n(Markdown table written to {path})")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"### Benchmarks: could not compare\n\n{error}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
