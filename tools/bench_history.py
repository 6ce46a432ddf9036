"""The main benchmark job: measure the last N commits of ``main`` and publish the history.

``make history`` runs this. It pins the machine description, runs the asv suite on every listed
commit whose results on this machine are missing or incomplete (results accumulate under
``.asv/results``), publishes the static site to ``.asv/html`` and prints where it is.

Then every step that asv's regression detection flags at a commit measured in this run is
measured again on that commit and the one before, in interleaved rounds, and the site published
again (``tools.bench_steps``): a step that was the machine's load does not stand.

A quick (``--quick``) or partial (``--bench``) run is a smoke test, not history: it is stored
under ``.asv/partial`` with a site of its own, so it never reaches the published history and
never stops a later full run from measuring its commits.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asv.benchmarks import Benchmarks
from asv.results import iter_results_for_machine_and_hash

from tools.asvtool import (
    REPO_ROOT,
    ToolError,
    asv,
    git,
    load_config,
    pin_machine,
    priority_note,
    repo_path,
    scratch_config,
    this_machine,
)
from tools.bench_site import finish_site
from tools.bench_steps import (
    by_commits,
    flagged_steps,
    remeasure_options,
    report,
    step_passes,
)

DEFAULT_COMMITS = 5
PARTIAL = ".asv/partial"  # quick and partial runs: results and a site of their own
GITHUB_REMOTE = re.compile(r"^(?:https://github\.com/|git@github\.com:)([^/]+/[^/]+?)(?:\.git)?/?$")


def last_commits(branch: str, count: int) -> list[str]:
    """The newest ``count`` first-parent commits of ``branch``, oldest first."""
    if not git("branch", "--list", branch):
        raise ToolError(
            f"branch {branch!r} does not exist here; create it (e.g. `git fetch origin "
            f"{branch}:{branch}`) or pass --branch"
        )
    hashes = git("rev-list", "--first-parent", f"--max-count={count}", branch).split()
    return list(reversed(hashes))


def commit_url() -> str | None:
    """Commit-link prefix for this repository's GitHub home, when there is one."""
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repository:
        return f"{server}/{repository}/commit/"
    try:
        origin = git("remote", "get-url", "origin")
    except ToolError:
        return None
    match = GITHUB_REMOTE.match(origin)
    return f"https://github.com/{match.group(1)}/commit/" if match else None


def suite_names(conf: Any) -> set[str]:
    """The benchmarks of the suite as last discovered (empty before the first run)."""
    try:
        return set(Benchmarks.load(conf))
    except Exception:  # asv raises its own error types when benchmarks.json is absent
        return set()


def complete(conf: Any, machine: str, commit: str, names: set[str]) -> bool:
    """Whether ``commit`` has a result on ``machine`` for every benchmark of the suite.

    A benchmark that failed or was skipped has a result (None or NaN); an interrupted run, or
    results from before a benchmark was added, lack some: the commit is measured again.
    """
    found: set[str] = set()
    for result in iter_results_for_machine_and_hash(
        str(repo_path(conf.results_dir)), machine, commit
    ):
        found |= set(result.get_all_result_keys())
    return bool(found) and names <= found


def run_history(
    commits: Sequence[str], args: argparse.Namespace, config: Path | None
) -> tuple[int, list[str]]:
    """Benchmark those of ``commits`` whose results here are missing or incomplete (all of them
    with ``--rerun``, or in a partial run). Returns asv's exit status (2: some benchmark failed,
    which the history records) and the commits measured."""
    machine = this_machine(args.machine)
    pin_machine(machine)
    print(priority_note(), flush=True)
    conf = load_config(config)
    names = suite_names(conf)
    if not (args.rerun or config):
        commits = [c for c in commits if not complete(conf, machine.name, c, names)]
        if not commits:
            print("Every commit already has complete results on this machine.", flush=True)
            return 0, []
    hashfile = write_hashfile("history-commits.txt", commits)
    # One round: rounds exist to interleave two commits (a pull-request check); a history
    # measures one commit at a time, and a second process per benchmark cost a third of the run.
    options = ["--machine", machine.name, "--show-stderr", "-a", "rounds=1"]
    options += [f"--bench={pattern}" for pattern in args.bench]
    options += ["--quick"] if args.quick else []
    return asv("run", f"HASHFILE:{hashfile}", *options, config=config), list(commits)


def write_hashfile(name: str, commits: Sequence[str]) -> Path:
    """``.asv/NAME`` listing ``commits``, one a line: what ``asv run HASHFILE:`` reads."""
    hashfile = repo_path(".asv") / name
    hashfile.parent.mkdir(parents=True, exist_ok=True)
    hashfile.write_text("".join(f"{commit}\n" for commit in commits))
    return hashfile


def publish(html_dir: Path, config: Path | None) -> None:
    asv("publish", check=True, config=config)
    finish_site(html_dir, commit_url())


def check_steps(html_dir: Path, measured: Sequence[str], machine: str) -> None:
    """Measure again every step asv flags at a commit of this run, then publish again; a step
    that stands is measured again, fresh, in more rounds (``tools.bench_steps``)."""
    first = steps = flagged_steps(html_dir, measured, first_parent)
    passes = 0
    for rounds in step_passes():
        if not steps:
            break
        for commits, names in by_commits(steps).items():
            hashfile = write_hashfile("step-commits.txt", commits)
            asv("run", f"HASHFILE:{hashfile}", *remeasure_options(names, machine, rounds))
        publish(html_dir, None)
        passes += 1
        steps = flagged_steps(html_dir, measured, first_parent)
    print(report(first, steps, passes), flush=True)


def first_parent(commit: str) -> str:
    return git("rev-parse", f"{commit}^")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_history", description=__doc__)
    parser.add_argument(
        "--commits", type=int, default=int(os.environ.get("BENCH_COMMITS", DEFAULT_COMMITS)),
        help="how many of the newest commits of the branch to measure (default %(default)s)",
    )  # fmt: skip
    parser.add_argument("--branch", help="branch to follow (default: asv.conf.json's first)")
    parser.add_argument("--machine", help="machine name for the results (default: host name)")
    parser.add_argument("--bench", action="append", default=[], help="only benchmarks matching")
    parser.add_argument(
        "--quick", action="store_true",
        help=f"one call per benchmark (a smoke run, stored under {PARTIAL}, never published)",
    )  # fmt: skip
    parser.add_argument(
        "--rerun", action="store_true",
        help="measure commits that already have results again (new results replace old ones)",
    )  # fmt: skip
    parser.add_argument("--no-publish", action="store_true", help="measure only")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.commits < 1:
        print("--commits must be at least 1", file=sys.stderr)
        return 2
    conf = load_config()
    branch = args.branch or conf.branches[0]
    config = None
    if args.quick or args.bench:
        partial = repo_path(PARTIAL)
        config = scratch_config(partial / "results", partial / "html")
        print(f"A partial run: results and site under {partial}, not the history.", flush=True)
    html_dir = repo_path(load_config(config).html_dir)
    try:
        commits = last_commits(branch, args.commits)
        status, measured = run_history(commits, args, config)
        if status not in (0, 2):
            raise ToolError(f"asv run failed (status {status}); see its output above")
        note = " (some benchmarks failed: see the log above)" if status == 2 else ""
        print(f"\nMeasured {len(commits)} commit(s) of {branch}{note}.", flush=True)
        if args.no_publish:
            return 0
        publish(html_dir, config)
        if config is None and measured:  # a quick or partial run is a smoke test, not history
            check_steps(html_dir, measured, this_machine(args.machine).name)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Report: {html_dir / 'index.html'}")
    print(f"Preview it with `make bench-preview` (serves {html_dir.relative_to(REPO_ROOT)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
