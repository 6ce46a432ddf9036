"""``planalign dbt-inputs``: write a run's inputs into a DuckDB file for ``dbt run`` by hand.

The SQL engine reads every input (census, effective configuration, run parameters, the draw's
constants) from the schema ``planalign_inputs``; ``planalign simulate --engine dbt`` writes them
itself. This command is the first step of the hand recipe (README, "SQL engine"), the one the
macros name. It also records the run's ``run_metadata`` row and the package's output views, which
each build's on-run-end hook copies into the file (``dbt/macros/finish.sql``), so that
``planalign history`` reads a file built by hand. A command, not ``engines.dbt_inputs.main``: the
inputs come from the same ``run_inputs.load_inputs`` a run uses, and an engine module must not
import ``simulate``.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from planalign_core.commands import COMMAND_HELP
from planalign_core.commands.run_options import add_run_arguments, run_spec
from planalign_core.engines.dbt_inputs import (
    RunParameters,
    hand_build_tables,
    input_tables,
    write_inputs,
)
from planalign_core.errors import ConfigError
from planalign_core.run_inputs import load_inputs
from planalign_core.run_report import metadata_frame, new_report
from planalign_core.store import Database

NAME = "dbt-inputs"
HELP = COMMAND_HELP[NAME]
DBT = "dbt run --project-dir dbt --profiles-dir dbt"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("planalign_dbt.duckdb"),
        help="DuckDB file dbt builds in (default planalign_dbt.duckdb); must hold no built run",
    )
    add_run_arguments(parser, years=3)


def _refuse_built(db: Database) -> None:
    """New inputs under years already built would mix two runs: each plain ``dbt run`` builds
    the next year the file lacks, from whatever the file holds."""
    built = db.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY 1"
    )
    if built:
        names = ", ".join(name for (name,) in built[:3])
        raise ConfigError(
            f"--db: {db.path} already holds a built run ({names}, ...); delete it or name "
            "another file: new inputs under built years would mix two runs"
        )


def run(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    config, keys, census, source = load_inputs(run_spec(args, engine="dbt"))
    parameters = RunParameters(
        keys.seed, keys.scenario_id, keys.plan_design_id, keys.start_year, keys.years
    )
    metadata = metadata_frame(new_report(config, keys, census, source), "dbt", started)
    tables = {**input_tables(config, census, parameters), **hand_build_tables(metadata)}
    with Database(args.db) as db:
        _refuse_built(db)
        write_inputs(db, tables)
    first, *later = parameters.years_simulated
    print(f"inputs of scenario {keys.scenario_id!r} written to {args.db}; now, from the")
    print("repository root, one dbt run per year (each builds the next year not yet built):")
    print(f"  export PLANALIGN_DBT_DATABASE={args.db.resolve()}")
    print(f"  {DBT}                          # {first}: the whole project")
    for year in later:
        print(f"  {DBT} --select tag:year_loop   # {year}")
    print(f"  {DBT.replace('dbt run', 'dbt test')}                         # the tests, once")
    return 0
