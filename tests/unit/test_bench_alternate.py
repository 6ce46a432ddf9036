"""``tools.bench_alternate``: whole processes of two trees in turns, and what it reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.asvtool import ToolError
from tools.bench_alternate import (
    BASE_PREFIX,
    Sample,
    alternate,
    order,
    parse_args,
    run_once,
    summary,
)

REPO = Path(__file__).resolve().parents[2]


def test_the_sides_take_turns_abba() -> None:
    assert order(3) == ["base", "head", "head", "base", "base", "head"]


def test_each_side_runs_once_a_pair_and_is_shown_as_it_ends() -> None:
    shown: list[str] = []
    samples = alternate(
        2, lambda side: Sample(side, 1.0, 1.0, 10.0), lambda s: shown.append(s.side)
    )
    assert shown == ["base", "head", "head", "base"] == [s.side for s in samples]


def test_the_summary_gives_medians_and_the_paired_difference() -> None:
    """Worked by hand: base walls 1.0, 1.2, 1.4 (median 1.2); head 1.1, 1.0, 1.3 (median 1.1);
    paired differences +0.1, -0.2, -0.1: median -0.1, from -0.2 to +0.1."""
    walls = {"base": [1.0, 1.2, 1.4], "head": [1.1, 1.0, 1.3]}
    samples = [
        Sample(side, walls[side][k], 2 * walls[side][k], 100.0 + k)
        for k in range(3)
        for side in ("base", "head")
    ]
    text = summary(samples)
    assert "base: wall 1.200 s (1.000-1.400), CPU 2.400 s, peak 101 MiB (3 runs)" in text
    assert "head: wall 1.100 s (1.000-1.300), CPU 2.200 s, peak 101 MiB (3 runs)" in text
    assert "paired: median -0.100 s (-0.200 to +0.100)" in text
    # ratios 1.1/1.0 = 1.100, 1.0/1.2 = 0.833, 1.3/1.4 = 0.929: median 0.929
    assert "head / base, paired: median 0.929 (0.833 to 1.100)" in text
    assert "reference" not in text


def test_the_ratio_is_scaled_to_the_reference() -> None:
    """Worked by hand: pairs (2.0, 0.9), (2.5, 1.0), (3.0, 1.5): ratios 0.45, 0.40, 0.50, median
    0.45; a base that took 2.2 s when the goal was set puts the head at 0.45 x 2.2 = 0.990 s
    (0.40 x 2.2 = 0.880 to 0.50 x 2.2 = 1.100)."""
    walls = {"base": [2.0, 2.5, 3.0], "head": [0.9, 1.0, 1.5]}
    samples = [Sample(side, walls[side][k], 1.0, 1.0) for k in range(3) for side in walls]
    text = summary(samples, reference=2.2)
    assert "head / base, paired: median 0.450 (0.400 to 0.500)" in text
    assert "head at the reference's speed (base 2.200 s): 0.990 s (0.880 to 1.100)" in text


def test_the_command_follows_the_double_dash() -> None:
    args = parse_args(["--base", "abc", "--pairs", "3", "--", "simulate", "--years", "2"])
    assert (args.base, args.pairs, args.command) == ("abc", 3, ["simulate", "--years", "2"])
    with pytest.raises(SystemExit):
        parse_args(["--pairs", "2"])  # no command
    assert parse_args(["--reference", "2.3", "--", "simulate"]).reference == 2.3
    assert parse_args(["--", "simulate"]).reference is None
    with pytest.raises(SystemExit):
        parse_args(["--reference", "0", "--", "simulate"])


def test_a_failing_command_names_its_side() -> None:
    with pytest.raises(ToolError, match="head: planalign no-such-command failed"):
        run_once("head", REPO, ["no-such-command"])


def test_a_real_pair_from_a_worktree_of_head() -> None:
    """``planalign schema`` once from a worktree of HEAD and once from this tree; the
    worktree is removed afterwards."""
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench_alternate", "--pairs", "1", "--", "schema"],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "head - base, paired: median" in done.stdout
    assert "(1 runs)" in done.stdout
    worktrees = subprocess.run(
        ["git", "worktree", "list"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert BASE_PREFIX not in worktrees
