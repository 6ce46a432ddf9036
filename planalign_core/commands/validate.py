"""``planalign validate``: check an event file against the schema, writing nothing."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from planalign_core.commands import COMMAND_HELP, counted
from planalign_core.commands.event_files import event_blocks

NAME = "validate"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="events as a JSON array (.json) or JSON lines")


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    events = sum(len(block) for block in event_blocks(args.file))
    seconds = time.perf_counter() - start
    rate = events / seconds if seconds else float("inf")
    print(f"{counted(events, 'valid event')} in {seconds:.3f} s ({rate:,.0f} events/s)")
    return 0
