"""``planalign sweep-report DIR``: percentiles across seeds per scenario and year, as a
Markdown and CSV table, a fan chart per measure (PNG) and one self-contained HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.sweep import charts, report

NAME = "sweep-report"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the folder 'planalign sweep --out' wrote")
    parser.add_argument(
        "--out", type=Path, default=None, help="where the report goes (default DIR/report)"
    )
    parser.add_argument("--no-charts", dest="charts", action="store_false", help="the tables only")


def run(args: argparse.Namespace) -> int:
    spread = report.spread(args.dir)
    target: Path = args.out or args.dir / "report"
    target.mkdir(parents=True, exist_ok=True)
    table = report.markdown(spread)
    (target / "summary.md").write_text(table, encoding="utf-8")
    (target / "summary.csv").write_text(report.csv_text(spread), encoding="utf-8")
    written = ["summary.md", "summary.csv"]
    if args.charts:
        pictures = charts.draw_all(spread, target)
        page = charts.html_page(spread, pictures, f"planalign sweep: {args.dir}")
        (target / "report.html").write_text(page, encoding="utf-8")
        written += [p.name for p in pictures] + ["report.html"]
    print(table)
    print(f"written to {target}: {', '.join(written)}")
    return 0
