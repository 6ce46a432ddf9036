"""The ``planalign`` command line: a thin dispatcher over ``planalign_core.commands``.

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``;
``main(argv)`` is what tests call, ``entry_point`` what the console script calls.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from planalign_core import __version__
from planalign_core.commands import COMMANDS
from planalign_core.errors import PlanalignError


def _command_modules() -> list[ModuleType]:
    return list(COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planalign", description="Exact, fast 401(k) workforce simulation."
    )
    parser.add_argument("--version", action="version", version=f"planalign {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _command_modules():
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors the user can fix are printed, not raised."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except PlanalignError as exc:
        print(f"planalign {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return code


def entry_point() -> None:
    sys.exit(main())
