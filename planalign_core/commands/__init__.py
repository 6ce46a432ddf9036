"""Sub-commands of the ``planalign`` CLI, one module per command.

Each module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

from types import ModuleType

from planalign_core.commands import demo as demo
from planalign_core.commands import history as history
from planalign_core.commands import ingest as ingest
from planalign_core.commands import schema as schema
from planalign_core.commands import simulate as simulate
from planalign_core.commands import validate as validate

COMMANDS: tuple[ModuleType, ...] = (schema, validate, ingest, demo, simulate, history)
