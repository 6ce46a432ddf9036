"""``planalign ingest``: validate an event file and store it in DuckDB, idempotently."""

from __future__ import annotations

import argparse
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.commands.event_files import read_events
from planalign_core.events import events_to_frame
from planalign_core.store import DEFAULT_DB_PATH, Database

NAME = "ingest"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="events as a JSON array (.json) or JSON lines")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB file")


def run(args: argparse.Namespace) -> int:
    frame = events_to_frame(read_events(args.file))
    with Database(args.db) as db:
        result = db.ingest_events(frame)
    print(f"{result.inserted} events inserted, {result.skipped} already present, into {args.db}")
    return 0
