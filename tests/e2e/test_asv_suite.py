"""The asv suite itself: it loads, it runs on the working tree, and its data stays append-only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a Python module in the repository root; output captured for the assertion message."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_asv_check_finds_no_problems() -> None:
    """``asv check``: every benchmark imports, has a valid signature and known parameters."""
    done = run("asv", "check", "--python=same")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found" in done.stdout


def test_benchmark_data_is_append_only() -> None:
    """Every getter of benchmarks/common.py still yields the data it yielded when committed."""
    done = run("tools.bench_data", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_quick_run_of_the_whole_suite_on_head(tmp_path: Path) -> None:
    """``asv run --python=same --quick``: every benchmark runs once on the working tree.

    Slow parameters are skipped (``ASV_SKIP_SLOW``); a benchmark that fails makes asv exit 2.
    The machine description goes to a scratch home, so the user's is left alone. The processes
    are forked from one that imported the suite (``--launch-method forkserver``, as in
    ``asv.conf.json``: 150 s instead of 217 s here).
    """
    env = {"HOME": str(tmp_path), "ASV_SKIP_SLOW": "1"}
    pinned = run("asv", "machine", "--yes", env=env)
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    options = ("--quick", "--dry-run", "--show-stderr", "--launch-method", "forkserver")
    done = run("asv", "run", "--python=same", *options, env=env)
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-4000:]
    assert " failed" not in done.stdout


def test_pull_request_check_names_an_unknown_base(tmp_path: Path) -> None:
    """A base the clone lacks (a shallow CI checkout) is exit 2 with the cause, before asv runs."""
    comment = tmp_path / "comment.md"
    done = run("tools.bench_pr", "--base", "no-such-ref", "--markdown", str(comment))
    assert done.returncode == 2
    assert "unknown commit 'no-such-ref'" in done.stderr and "fetch-depth: 0" in done.stderr
    first, second = comment.read_text().splitlines()[:2]
    assert first == "<!-- planalign-benchmarks -->"  # the marker the workflow edits by
    assert second == "### Benchmarks: could not compare"
