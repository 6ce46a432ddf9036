"""``planalign ingest``: validate an event file and store it in DuckDB, idempotently."""

from __future__ import annotations

import argparse
from pathlib import Path

from planalign_core import cleanup
from planalign_core.commands import COMMAND_HELP, counted
from planalign_core.commands.event_files import event_blocks
from planalign_core.events import events_to_frame
from planalign_core.store import DEFAULT_DB_PATH, Database

NAME = "ingest"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="events as a JSON array (.json) or JSON lines")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB file")


def run(args: argparse.Namespace) -> int:
    """The file's blocks stored as they are validated, in one transaction: a bad event or a
    repeated id anywhere in the file rolls every block back (and removes a file it created)."""
    inserted = skipped = 0
    with (
        cleanup.new_file_removed_on_failure(args.db),
        Database(args.db) as db,
        db.transaction(),
    ):
        for events in event_blocks(args.file):
            result = db.ingest_events(events_to_frame(events))
            inserted, skipped = inserted + result.inserted, skipped + result.skipped
        db.ensure_events_table()  # a file of no events still leaves the table to query
    print(f"{counted(inserted, 'event')} inserted, {skipped} already present, into {args.db}")
    return 0
