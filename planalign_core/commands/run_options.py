"""The options that name a run (census, configuration, seed, years, scenario), shared by the
commands that start one (``simulate``, ``dbt-inputs``): one spelling, one default, one help."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planalign_core.simulate import RunSpec


def add_run_arguments(parser: argparse.ArgumentParser, *, years: int) -> None:
    """The run's options; ``years`` is the command's default number of years."""
    parser.add_argument(
        "--employees", type=int, default=None, help="synthetic census size (default 1000)"
    )
    parser.add_argument(
        "--years", type=int, default=years, help=f"years to simulate (default {years})"
    )
    parser.add_argument("--start-year", type=int, default=2025, help="first simulated year")
    parser.add_argument("--seed", type=int, default=42, help="random seed (0..2**64-1)")
    parser.add_argument("--census", type=Path, default=None, help="census CSV or Parquet file")
    parser.add_argument("--config", type=Path, default=None, help="TOML overrides of defaults")
    parser.add_argument("--scenario", default="default", help="scenario id (default 'default')")


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
