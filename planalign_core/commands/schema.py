"""``planalign schema``: write the JSON Schema of the event envelope and its payloads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.events import SimulationEvent

NAME = "schema"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")


def run(args: argparse.Namespace) -> int:
    text = json.dumps(SimulationEvent.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0
