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
from planalign_core.commands.run_options import add_run_arguments, run_spec
from planalign_core.engines.dbt_inputs import RunParameters, input_tables, write_inputs
from planalign_core.simulate import load_inputs
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
    add_run_arguments(parser, years=3)


def run(args: argparse.Namespace) -> int:
    config, keys, census, _ = load_inputs(run_spec(args, engine="dbt"))
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
