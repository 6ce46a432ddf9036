"""``planalign sweep``: scenarios x seeds x one census on Dask distributed, into Parquet.

Dask is imported only when a sweep runs (``planalign_core.sweep.cluster``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.errors import SweepError
from planalign_core.sweep.plan import make_plan, parse_scenario, parse_seeds
from planalign_core.sweep.runner import Outcome, run_sweep

NAME = "sweep"
HELP = COMMAND_HELP[NAME]
# Ctrl-C or SIGTERM: the runs finished so far are stored (each file and marker is complete).
INTERRUPTED = "interrupted; the finished runs are kept: the same command goes on from them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seeds", required=True, help="seeds: a range (1-100), a list (1,5,9) or both (1-10,20)"
    )
    parser.add_argument(
        "--scenario", action="append", default=[], metavar="NAME=FILE",
        help="a scenario: its name and a TOML file of overrides of the packaged defaults "
        "(repeat for more; none: one scenario 'default' with the packaged configuration)",
    )  # fmt: skip
    workforce = parser.add_mutually_exclusive_group(required=True)
    workforce.add_argument("--employees", type=int, help="synthetic census of N employees")
    workforce.add_argument("--census", type=Path, help="census CSV or Parquet file")
    parser.add_argument("--years", type=int, required=True, help="years to simulate")
    parser.add_argument("--start-year", type=int, default=2025, help="first simulated year")
    parser.add_argument("--out", type=Path, required=True, help="output folder (Parquet)")
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument(
        "--workers", type=int, default=None,
        help="local worker processes (default: one per core)",
    )  # fmt: skip
    cluster.add_argument(
        "--scheduler", default=None, metavar="tcp://HOST:PORT",
        help="run on this running Dask cluster instead of a local one",
    )  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _started(outcome: Outcome) -> None:
    where = f"; dashboard {outcome.dashboard}" if outcome.dashboard else ""
    pending = outcome.total - outcome.skipped
    print(
        f"sweep: {pending} of {outcome.total} runs to do on {outcome.workers} Dask worker(s)"
        f"{where}",
        file=sys.stderr,
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    plan = make_plan(
        parse_seeds(args.seeds),
        [parse_scenario(text) for text in args.scenario],
        years=args.years,
        start_year=args.start_year,
        employees=args.employees,
        census_path=args.census,
    )
    stream = None if args.quiet else sys.stderr
    outcome = run_sweep(
        plan, args.out, workers=args.workers, scheduler=args.scheduler, stream=stream,
        on_start=None if args.quiet else _started,
    )  # fmt: skip
    done = len(outcome.results)
    print(
        f"{done} run(s) done in {outcome.seconds:.1f} s ({outcome.running_seconds:.1f} s "
        f"running, {done / max(outcome.running_seconds, 1e-9):.2f} runs/s), "
        f"{outcome.skipped} already done, "
        f"{len(outcome.failures)} failed, of {outcome.total}: {args.out}"
    )
    for failure in outcome.failures:
        print(f"failed: scenario {failure.scenario!r} seed {failure.seed}: {failure.error}")
    if outcome.failures:
        raise SweepError(_failed(outcome))
    return 0


def _failed(outcome: Outcome) -> str:
    """What to do about the failed runs: retry those that may pass; change the inputs of
    those their inputs refused (they fail the same way on every try)."""
    count, total = len(outcome.failures), outcome.total
    refused = sum(failure.refused for failure in outcome.failures)
    advice = []
    if refused:
        advice.append(f"{refused} refused by their inputs fail the same way again: change them")
    if refused < count:
        advice.append("run the same command again to retry only the failed ones")
    return f"{count} of {total} runs failed (listed above); the others are stored: " + (
        "; ".join(advice)
    )
