"""The options that name a run (census, configuration, seed, years, scenario), shared by the
commands that start one (``simulate``, ``dbt-inputs``): one spelling, one default, one help."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planalign_core.census.schema import MAX_SYNTHETIC_EMPLOYEES
from planalign_core.events.types import IDENTIFIER_MAX_LENGTH, MAX_YEAR
from planalign_core.run_inputs import DEFAULT_EMPLOYEES, MAX_YEARS, RunSpec


def add_run_arguments(parser: argparse.ArgumentParser, *, years: int) -> None:
    """The run's options; ``years`` is the command's default number of years. Each help names
    the range ``run_inputs.check_spec`` holds the value to."""
    parser.add_argument(
        "--employees",
        type=int,
        default=None,
        help=f"synthetic census size, 1..{MAX_SYNTHETIC_EMPLOYEES:,} (default {DEFAULT_EMPLOYEES})",
    )
    parser.add_argument(
        "--years",
        type=int,
        default=years,
        help=f"years to simulate, 1..{MAX_YEARS} (default {years})",
    )
    parser.add_argument(
        "--start-year",
        type=int,
        default=2025,
        help=f"first simulated year (default 2025); the run ends by {MAX_YEAR}",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (0..2**64-1)")
    parser.add_argument("--census", type=Path, default=None, help="census CSV or Parquet file")
    parser.add_argument("--config", type=Path, default=None, help="TOML overrides of defaults")
    parser.add_argument(
        "--scenario",
        default="default",
        help=f"scenario id, 1-{IDENTIFIER_MAX_LENGTH} characters (default 'default')",
    )


def run_spec(args: argparse.Namespace, **options: Any) -> RunSpec:
    """The :class:`RunSpec` the options describe (``options``: the engine and the like)."""
    return RunSpec(
        years=args.years,
        start_year=args.start_year,
        seed=args.seed,
        scenario_id=args.scenario,
        employees=args.employees,
        census_path=args.census,
        config_path=args.config,
        **options,
    )
