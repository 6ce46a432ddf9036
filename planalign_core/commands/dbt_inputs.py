"""``planalign dbt-inputs``: write a run's inputs into a DuckDB file for ``dbt build`` by hand.

The SQL engine reads every input (census, effective configuration, run parameters, the draw's
constants) from the schema ``planalign_inputs``; ``planalign simulate --engine dbt`` writes them
itself. This command is the first step of the hand recipe (README, "SQL engine"), the one the
macros name. A command, not ``engines.dbt_inputs.main``: the inputs come from the same
``simulate.load_inputs`` a run uses, and an engine module must not import ``simulate``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.engines.dbt_inputs import RunParameters, input_tables, write_inputs
from planalign_core.simulate import RunSpec, load_inputs
from planalign_core.store import Database

NAME = "dbt-inputs"
HELP = COMMAND_HELP[NAME]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("planalign_dbt.duckdb"),
        help="DuckDB file dbt builds in (default planalign_dbt.duckdb)",
    )
    parser.add_argument("--employees", type=int, default=None, help="synthetic census size")
    parser.add_argument("--census", type=Path, default=None, help="census CSV or Parquet file")
    parser.add_argument("--config", type=Path, default=None, help="TOML overrides of defaults")
    parser.add_argument("--years", type=int, default=3, help="years to simulate (default 3)")
    parser.add_argument("--start-year", type=int, default=2025, help="first simulated year")
    parser.add_argument("--seed", type=int, default=42, help="random seed (0..2**64-1)")
    parser.add_argument("--scenario", default="default", help="scenario id (default 'default')")


def run(args: argparse.Namespace) -> int:
    spec = RunSpec(
        years=args.years,
        start_year=args.start_year,
        seed=args.seed,
        scenario_id=args.scenario,
        employees=args.employees,
        census_path=args.census,
        config_path=args.config,
        engine="dbt",
    )
    config, keys, census, _ = load_inputs(spec)
    parameters = RunParameters(
        keys.seed, keys.scenario_id, keys.plan_design_id, keys.start_year, keys.years
    )
    with Database(args.db) as db:
        write_inputs(db, input_tables(config, census, parameters))
    years = " ".join(str(year) for year in parameters.years_simulated)
    print(f"inputs of scenario {keys.scenario_id!r} written to {args.db}; now, year by year:")
    print(f"  export PLANALIGN_DBT_DATABASE={args.db.resolve()}")
    print(f"  for year in {years}; do")
    print('    dbt build --project-dir dbt --profiles-dir dbt --vars "{simulation_year: $year}"')
    print("  done")
    return 0
