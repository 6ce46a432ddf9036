"""Whole ``planalign`` processes of two trees, alternated: the measurement behind the goals'
"as a whole process" figures (docs/benchmarks.md, "Goals").

One run is too noisy on a shared 2-core machine (the same 5k x 5 run takes 1.09-1.31 s), and
runs of one tree after the other's meet different phases of the machine. So the base commit
(a ``git worktree``) and the working tree run in turns, ABBA, each in a fresh directory (the
default ``planalign.duckdb`` lands there and is removed), and the report gives each side's
median wall time, CPU and peak RSS, and the median of the paired differences. Both trees are
byte-compiled first, as an installed package is (``PYTHONDONTWRITEBYTECODE`` would otherwise
make a run from source compile every module, 44 ms at 5k x 5; the ``.pyc`` files stay, ignored
by git).

    python -m tools.bench_alternate --base HEAD~1 --pairs 8 -- simulate --employees 5000 --years 5

The machine's speed moves by a fifth and more within minutes, and a goal's seconds were read in
one such minute. ``--reference SECONDS`` (what the base took when the goal was set) scales the
head's paired ratio to it: the head's time in the minute the goal was read
(docs/benchmarks.md, "Goals in the reference's seconds").
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.asvtool import ToolError, repo_path

RUN = (
    "import sys; from planalign_core.cli import entry_point; "
    "sys.argv[0] = 'planalign'; entry_point()"
)
BASE_PREFIX = "planalign-base-"  # the base worktree's scratch directory, removed at the end


@dataclass(frozen=True)
class Sample:
    """One process: wall seconds, CPU seconds (user + system) and peak RSS in MiB."""

    side: str
    wall: float
    cpu: float
    rss_mib: float


def order(pairs: int) -> list[str]:
    """The sides in ABBA order: base, head, head, base, ... (each pair has one of each)."""
    sides = []
    for pair in range(pairs):
        sides += ["base", "head"] if pair % 2 == 0 else ["head", "base"]
    return sides


def run_once(side: str, tree: Path, args: Sequence[str]) -> Sample:
    """``planalign ARGS`` from ``tree`` in a fresh directory; its own rusage (``os.wait4``)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory(prefix="planalign-alternate-") as work:
        errors = Path(work) / "stderr.txt"
        with errors.open("wb") as stderr:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-c", RUN, *args],
                cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            text = errors.read_text(errors="replace")[-2000:]
            raise ToolError(f"{side}: planalign {' '.join(args)} failed:\n{text}")
    return Sample(side, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def alternate(
    pairs: int, run: Callable[[str], Sample], show: Callable[[Sample], None]
) -> list[Sample]:
    """``pairs`` runs of each side, ABBA; ``show`` hears each as it ends."""
    samples = []
    for side in order(pairs):
        sample = run(side)
        show(sample)
        samples.append(sample)
    return samples


def summary(samples: Sequence[Sample], reference: float | None = None) -> str:
    """Each side's medians and ranges, the median paired difference (head - base) and ratio
    (head / base); with ``reference`` (the base's seconds when a goal was set), that ratio
    times it."""
    lines = []
    for side in ("base", "head"):
        mine = [s for s in samples if s.side == side]
        walls = [s.wall for s in mine]
        lines.append(
            f"{side}: wall {statistics.median(walls):.3f} s ({min(walls):.3f}-{max(walls):.3f}),"
            f" CPU {statistics.median(s.cpu for s in mine):.3f} s,"
            f" peak {statistics.median(s.rss_mib for s in mine):.0f} MiB ({len(mine)} runs)"
        )
    base = [s.wall for s in samples if s.side == "base"]
    head = [s.wall for s in samples if s.side == "head"]
    differences = sorted(h - b for b, h in zip(base, head, strict=True))
    lines.append(
        f"head - base, paired: median {statistics.median(differences):+.3f} s"
        f" ({differences[0]:+.3f} to {differences[-1]:+.3f})"
    )
    ratios = sorted(h / b for b, h in zip(base, head, strict=True))
    ratio = statistics.median(ratios)
    lines.append(f"head / base, paired: median {ratio:.3f} ({ratios[0]:.3f} to {ratios[-1]:.3f})")
    if reference is not None:
        lines.append(
            f"head at the reference's speed (base {reference:.3f} s): {ratio * reference:.3f} s"
            f" ({ratios[0] * reference:.3f} to {ratios[-1] * reference:.3f})"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options, and after ``--`` the planalign command (``args.command``)."""
    words = list(sys.argv[1:] if argv is None else argv)
    cut = words.index("--") if "--" in words else len(words)
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_alternate",
        description="Alternate whole planalign processes of a base commit and this tree.",
        epilog="After --: the planalign command, e.g. -- simulate --employees 5000 --years 5",
    )
    parser.add_argument("--base", default="HEAD", help="base commit (default %(default)s)")
    parser.add_argument("--pairs", type=int, default=8, help="runs of each (default 8)")
    parser.add_argument(
        "--reference",
        type=float,
        metavar="SECONDS",
        help="the base's seconds when a goal was set: the head's paired ratio is scaled to it",
    )
    args = parser.parse_args(words[:cut])
    args.command = words[cut + 1 :]
    if not args.command or args.pairs < 1:
        parser.error("give --pairs >= 1 and, after --, the planalign command to run")
    if args.reference is not None and not args.reference > 0:
        parser.error(f"--reference: a positive number of seconds, got {args.reference}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    head = repo_path(".")
    with tempfile.TemporaryDirectory(prefix=BASE_PREFIX) as scratch:
        base = Path(scratch) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--quiet", "--detach", str(base), args.base],
            cwd=head, check=True,
        )  # fmt: skip
        try:
            for tree in (base, head):
                compileall.compile_dir(tree / "planalign_core", quiet=1)
            trees = {"base": base, "head": head}
            print(f"base {args.base} ({base}) against this tree ({head}):", flush=True)
            samples = alternate(
                args.pairs,
                lambda side: run_once(side, trees[side], args.command),
                lambda s: print(f"  {s.side} {s.wall:.3f} s, CPU {s.cpu:.3f} s, "
                                f"{s.rss_mib:.0f} MiB", flush=True),
            )  # fmt: skip
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=head, check=False
            )
    print(summary(samples, args.reference))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ToolError as exc:
        sys.exit(f"bench_alternate: {exc}")
