"""Sub-commands of the ``planalign`` CLI, one module per command.

Each module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
They are imported on demand (:func:`command_module`): a run imports only its own command's
dependencies (``planalign simulate`` never builds the event adapters that ``validate`` needs).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

# Each command's one-line help (the modules read theirs from here), in ``--help`` order.
COMMAND_HELP: dict[str, str] = {
    "schema": "Write the JSON Schema of SimulationEvent (stdout, or --out FILE).",
    "validate": "Validate a JSON (.json array) or JSON lines event file; report every problem.",
    "ingest": (
        "Validate events and insert them into fct_yearly_events (skipping ids already stored)."
    ),
    "demo": "Generate, validate and ingest a synthetic batch of events into DuckDB; print figures.",
    "simulate": "Simulate a workforce and its plan participation year by year into a DuckDB file.",
    "history": (
        "Rebuild a participant's state on a date from its events (level, pay, rate, balances)."
    ),
    "export": "Write a table of a run (events or any other) to JSON lines, JSON or Parquet.",
    "config": "Show the effective configuration, each value with its source (default or file).",
    "dbt-inputs": "Write a run's inputs into a DuckDB file for 'dbt build' by hand (README).",
    "sweep": "Run scenarios x seeds of one census on Dask distributed into Parquet (resumable).",
    "sweep-report": "Percentiles across seeds per scenario and year of a sweep; fan charts.",
}

# The commands that open a DuckDB file: the CLI has DuckDB's instance made while their modules
# import (``planalign_core.duckdb_instance``).
DATABASE_COMMANDS = frozenset({"simulate", "demo", "ingest", "history", "export", "dbt-inputs"})


def counted(count: int, noun: str) -> str:
    """``count`` with its ``noun``, singular for one: "1 row", "1037046 rows" (no separators:
    scripts read these lines)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def command_module(name: str) -> ModuleType:
    """The module of command ``name``."""
    return import_module(f"planalign_core.commands.{name.replace('-', '_')}")
