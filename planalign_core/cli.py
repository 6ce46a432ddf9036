"""The ``planalign`` command line: a thin dispatcher over ``planalign_core.commands``.

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``;
``main(argv)`` is what tests call, ``entry_point`` what the console script calls.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from planalign_core.commands import COMMAND_HELP, command_module
from planalign_core.errors import PlanalignError, PlanalignWarning


class _Version(argparse.Action):
    """``--version``: the package version is looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from planalign_core import __version__  # noqa: PLC0415 - importlib.metadata, ~50 ms

        parser.exit(message=f"planalign {__version__}\n")


def _chosen(argv: Sequence[str] | None) -> set[str]:
    """The commands whose modules the parser needs: the one named in ``argv`` (its first
    argument that is not an option), or every one when none is named (``--help``, errors)."""
    words = sys.argv[1:] if argv is None else list(argv)
    named = next((w for w in words if not w.startswith("-")), None)
    return {named} if named in COMMAND_HELP else set(COMMAND_HELP)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the named command's module is imported (a command's imports, e.g.
    Polars and DuckDB for ``simulate``, cost more than the rest of the start-up)."""
    parser = argparse.ArgumentParser(
        prog="planalign", description="Exact, fast 401(k) workforce simulation."
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    for name, text in COMMAND_HELP.items():
        command = sub.add_parser(name, help=text, description=text)
        if name in chosen:
            module = command_module(name)
            module.add_arguments(command)
            command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors the user can fix are printed, not raised; planalign's warnings
    are printed as one line each, on every run (never deduplicated away)."""
    args = build_parser(argv).parse_args(argv)
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *rest: object, **kw: object) -> None:
        if issubclass(category, PlanalignWarning):
            print(f"planalign {args.command}: warning: {message}", file=sys.stderr)
        else:
            shown(message, category, *rest, **kw)  # type: ignore[arg-type]

    with warnings.catch_warnings():
        warnings.simplefilter("always", PlanalignWarning)
        warnings.showwarning = show
        try:
            code: int = args.run(args)
        except PlanalignError as exc:
            print(f"planalign {args.command}: error: {exc}", file=sys.stderr)
            return 2
    return code


def entry_point() -> None:
    sys.exit(main())
