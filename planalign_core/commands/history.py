"""``planalign history``: one participant's state on a date, rebuilt from its events."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.errors import ConfigError
from planalign_core.history import load_history
from planalign_core.store import DEFAULT_DB_PATH, Database

NAME = "history"
HELP = COMMAND_HELP[NAME]
TIMELINE_COLUMNS = (
    "simulation_year",
    "event_sequence",
    "effective_date",
    "event_type",
    "contribution_source",
    "amount",
    "limit_type",
    "new_compensation",
    "pre_tax_rate",
    "new_rate",
    "vested_percentage",
    "is_hce",
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--employee", required=True, help="employee_id")
    parser.add_argument("--as-of", type=_date, required=True, help="date YYYY-MM-DD")
    parser.add_argument("--scenario", default="default", help="scenario id (default 'default')")
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB_PATH, help=f"DuckDB file (default {DEFAULT_DB_PATH})"
    )
    parser.add_argument("--timeline", action="store_true", help="also print the events")


def run(args: argparse.Namespace) -> int:
    if not Path(args.db).exists():
        raise ConfigError(f"--db: {args.db} does not exist (run 'planalign simulate' first)")
    with Database(args.db, read_only=True) as db:
        history = load_history(db, args.employee, args.scenario)
    state = history.state_as_of(args.as_of).as_dict()
    width = max(len(key) for key in state)
    for key, value in state.items():
        print(f"{key:<{width}}  {value}")
    if args.timeline:
        columns = [c for c in TIMELINE_COLUMNS if c in history.events.columns]
        for row in history.events.select(columns).iter_rows(named=True):
            shown = {k: v for k, v in row.items() if v is not None}
            print("  " + "  ".join(f"{k}={v}" for k, v in shown.items()))
    return 0
