"""``planalign simulate``: a multi-year run into a DuckDB file, with progress and a summary."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from planalign_core import simulate as simulation
from planalign_core.commands import COMMAND_HELP
from planalign_core.commands.run_options import add_run_arguments, run_spec
from planalign_core.engines import ENGINE_NAMES
from planalign_core.priority import yield_compute_to_writer
from planalign_core.run_report import RunReport, YearSummary
from planalign_core.store import DEFAULT_DB_PATH

NAME = "simulate"
HELP = COMMAND_HELP[NAME]
BAR_WIDTH = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser, years=5)
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB_PATH, help=f"DuckDB file (default {DEFAULT_DB_PATH})"
    )
    parser.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="polars",
        help="polars (in-process, the fast default) or dbt (the SQL engine: the dbt project "
        "on DuckDB; needs the [dbt] extra); both give identical tables",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--no-weekly-snapshots",
        dest="weekly_snapshots",
        action="store_false",
        help="skip fct_participant_balance_snapshots (the largest table; see README)",
    )


class Progress:
    """One line per year on stderr: a bar, the year and its time."""

    def __init__(self, years: int, enabled: bool) -> None:
        self.years = years
        self.done = 0
        self.enabled = enabled

    def phase(self, text: str) -> None:
        """A phase that can take seconds, announced before it starts."""
        if self.enabled:
            print(f"... {text}", file=sys.stderr, flush=True)

    def __call__(self, summary: YearSummary, seconds: float) -> None:
        self.done += 1
        if not self.enabled:
            return
        filled = BAR_WIDTH * self.done // self.years
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        print(
            f"[{bar}] {self.done}/{self.years} year {summary.year}: "
            f"{summary.end_headcount:,} employees ({seconds:.2f} s)",
            file=sys.stderr,
            flush=True,
        )


def summary_table(report: RunReport) -> str:
    """The end-of-run table: one row per year."""
    header = (
        f"{'year':>6} {'start':>9} {'hires':>8} {'terms':>8} {'end':>9} "
        f"{'participation':>14} {'avg deferral':>13}"
    )
    lines = [header, "-" * len(header)]
    for s in report.summaries:
        lines.append(
            f"{s.year:>6} {s.start_headcount:>9,} {s.hires:>8,} {s.terminations:>8,} "
            f"{s.end_headcount:>9,} {s.participation_rate:>14.2%} {s.average_deferral:>13.2%}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    spec = run_spec(args, engine=args.engine, weekly_snapshots=args.weekly_snapshots)
    started = time.perf_counter()
    progress = Progress(args.years, not args.quiet)
    if args.console_script:  # the process ends with the command: the change may stay
        yield_compute_to_writer()
    report = simulation.run(spec, args.db, on_year=progress, on_phase=progress.phase)
    total = time.perf_counter() - started  # includes the commit and DuckDB's checkpoint
    print(summary_table(report))
    print(
        f"\nscenario {report.keys.scenario_id!r} (seed {report.keys.seed}, "
        f"{report.census_source}): {report.events_written:,} events in {args.db}; "
        f"{total:.2f} s in all ({report.wall_seconds:.2f} s before the commit), "
        f"peak RSS {report.peak_rss_bytes / 2**20:,.0f} MiB"
    )
    if args.engine == "dbt":
        from planalign_core.engines.dbt_driver import timing_summary  # noqa: PLC0415 - dbt only

        dbt_time = timing_summary(report.timings)
        if dbt_time:
            print(dbt_time)
    return 0
