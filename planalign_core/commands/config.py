"""``planalign config show``: the effective configuration, each value with where it came from.

A run is reproducible from its configuration; a user overriding a few keys wants to see the
whole of what a run will use, and which values are theirs. Values print as TOML (the text the
config hash is made from for decimals), one key path per line, then ``# default`` or
``# FILE``. Arrays replace rather than merge, so an array given in the file is the file's whole.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from planalign_core.commands import COMMAND_HELP
from planalign_core.config import config_hash, load_config, read_toml

NAME = "config"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="print the effective configuration and each value's source")
    show.add_argument(
        "--config", type=Path, default=None, help="TOML overrides of the defaults (as simulate)"
    )


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    given = read_toml(args.config) if args.config is not None else {}
    effective = config.model_dump()  # Decimal stays Decimal: a rate prints as a number
    source = str(args.config) if args.config is not None else ""
    for path, value in _leaves(effective):
        origin = source if _is_given(given, path) else "default"
        print(f"{_key(path)} = {_toml(value)}  # {origin}")
    print(f"# config hash {config_hash(config)}")
    return 0


def _leaves(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(key path, value) for every scalar, tables in key order, arrays by 1-based position."""
    if isinstance(data, Mapping):
        for key in sorted(data):
            yield from _leaves(data[key], (*path, key))
    elif isinstance(data, list) and any(isinstance(item, Mapping) for item in data):
        for index, item in enumerate(data, start=1):
            yield from _leaves(item, (*path, index))
    else:
        yield path, data


def _is_given(given: Mapping[str, Any], path: tuple[str | int, ...]) -> bool:
    """Whether the file set this value: a key path present in it, or inside an array it gave."""
    node: Any = given
    for part in path:
        if isinstance(part, int):
            return True  # the file gave the whole array (arrays replace)
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _key(path: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path)
    )


def _toml(value: Any) -> str:
    """A TOML literal; a decimal as its canonical text (the config hash's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)
