"""Whole runs shared by several stages' benchmarks (not a stage of its own).

A run of ``planalign simulate`` costs seconds (tens at 100k x 5), and the suite has a budget
of 3 minutes a commit. So each whole run is made once per commit, by :func:`polars_runs` or
:func:`engine_runs`, the ``setup_cache`` of every class that reads one: as a user makes it (a
new process, the CLI), with its wall time, CPU time and peak RSS taken from the process's own
accounting (``wait4``), its key outputs, its stored timings, and the database it wrote (the
lookup and the history reconstruction query it). One run serves time, memory and outputs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from . import BENCH_THREADS, run_folders
from .common import SEED, cache_dir, census, per_process, require, slow_skipped, write_once

START_YEAR = 2025
YEARS = 5
SMALL, LARGE = 5_000, 100_000
WARM_UP_EMPLOYEES = 1_000  # dbt's warm-up run: its parse is the same at any census size
# The console script's own entry (``planalign`` = ``cli.entry_point``): its start-up settings
# and its exit without the interpreter's teardown are part of what a user's run costs.
CLI = (
    "import sys; from planalign_core.cli import entry_point; "
    "sys.argv[0] = 'planalign'; entry_point()"
)


def census_file(employees: int) -> Path:
    """The census getter's rows as a Parquet file, written once per machine."""
    path = cache_dir() / f"census_file-{employees}-{SEED}.parquet"
    return write_once(path, lambda partial: census(employees).write_parquet(partial))


def census_csv(employees: int) -> Path:
    """The census getter's rows as a CSV file, the users' usual format, written once per
    machine."""
    path = cache_dir() / f"census_csv-{employees}-{SEED}.csv"
    return write_once(path, lambda partial: census(employees).write_csv(partial))


@per_process
def engine_years(
    employees: int, computed: int, keyed: int, weekly: bool = True
) -> tuple[Any, Any, list[Any]]:
    """The Polars engine in memory on the census file: config, run keys for ``keyed`` years,
    and the first ``computed`` years (with their money). Once per process: asv re-runs
    ``setup`` before every sample."""
    config = require("planalign_core.config", "load_config")()
    load_census = require("planalign_core.census", "load_census")
    engine = require("planalign_core.engines.polars_engine")
    keys = engine.RunKeys(SEED, "bench", config.plan_design_id, START_YEAR, keyed)
    run = engine.run_years(
        load_census(census_file(employees), START_YEAR, config), config, keys, weekly=weekly
    )
    return config, keys, [year for year, _ in zip(run.years, range(computed), strict=False)]


def accumulate_year(accumulate: Any, keys: Any, previous: Any, events: Any) -> Any:
    """The second year's accumulator rows: the call both engines' accumulator benchmarks time."""
    return accumulate(
        previous,
        events,
        year=START_YEAR + 1,
        last_year=keys.last_year,
        scenario_id=keys.scenario_id,
        plan_design_id=keys.plan_design_id,
    )


def run_name(engine: str, employees: int, weekly: bool = True) -> str:
    return f"{engine}-{employees}" + ("" if weekly else "-no-weekly")


def cli_run(
    engine: str, employees: int, years: int, database: Path, weekly: bool
) -> dict[str, Any]:
    """``planalign simulate`` in a new process: wall seconds, CPU seconds (user + system, every
    thread) and peak RSS in bytes, from the kernel's accounting of that process."""
    command = [
        sys.executable, "-c", CLI, "simulate", "--engine", engine,
        "--census", str(census_file(employees)), "--years", str(years),
        "--start-year", str(START_YEAR), "--seed", str(SEED), "--quiet", "--db", str(database),
    ]  # fmt: skip
    command += [] if weekly else ["--no-weekly-snapshots"]
    env = {**os.environ, "POLARS_MAX_THREADS": str(BENCH_THREADS)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )  # fmt: skip
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{error.decode()[-4000:]}")
    return {
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
    }


def stored_timings(database: Path) -> dict[str, float]:
    """The run's ``timings`` from ``run_metadata`` (empty where a commit does not store them)."""
    with duckdb.connect(str(database), read_only=True) as con:
        columns = {row[0] for row in con.execute("DESCRIBE run_metadata").fetchall()}
        if "timings" not in columns:
            return {}
        row = con.execute("SELECT timings FROM run_metadata").fetchone()
    return dict(json.loads(row[0])) if row and row[0] else {}


def run_outputs(database: Path) -> dict[str, int]:
    """The key outputs of a stored run: events, the last year's headcount and participation
    (basis points), total deferrals and the last year's total ending balance (cents)."""
    last = START_YEAR + YEARS - 1
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}

        def one(sql: str, *args: object) -> int:
            row = con.execute(sql, list(args)).fetchone()
            return int(row[0]) if row and row[0] is not None else 0

        active = "FROM fct_workforce_snapshot WHERE simulation_year = ? AND employment_status = ?"
        outputs = {
            "events": one("SELECT count(*) FROM fct_yearly_events"),
            "final_headcount": one(f"SELECT count(*) {active}", last, "active"),
            "final_participation_bp": one(
                f"SELECT count(*) FILTER (WHERE is_enrolled) * 10000 // count(*) {active}",
                last,
                "active",
            ),
        }
        if {"int_employee_contributions", "int_participant_balances"} <= tables:
            outputs["total_deferrals_cents"] = one(
                "SELECT sum(total_deferrals) * 100 FROM int_employee_contributions"
            )
            outputs["total_ending_balance_cents"] = one(
                "SELECT sum(ending_balance) * 100 FROM int_participant_balances "
                "WHERE simulation_year = ?",
                last,
            )
    return outputs


def engines() -> list[str]:
    """The engines this commit has (the Polars engine always)."""
    try:
        return list(require("planalign_core.engines", "ENGINE_NAMES"))
    except NotImplementedError:
        return ["polars"]


def _runs(wanted: list[tuple[str, int, bool]]) -> dict[str, dict[str, Any]]:
    """Make each (engine, employees, weekly) run in a new process; keyed by :func:`run_name`.
    Empty where this commit has no command line. Databases are kept for the readers, until a
    later benchmark run finds their owner ended (``run_folders``)."""
    try:
        require("planalign_core.cli", "main")
    except NotImplementedError:
        return {}
    folder = run_folders.new_folder()
    runs: dict[str, dict[str, Any]] = {}
    for engine, employees, weekly in wanted:
        name = run_name(engine, employees, weekly)
        database = folder / f"{name}.duckdb"
        if engine == "dbt":  # writes dbt's partial-parse file, as a user's earlier run has
            cli_run(engine, WARM_UP_EMPLOYEES, 1, folder / "warm-up.duckdb", weekly)
        figures = cli_run(engine, employees, YEARS, database, weekly)
        figures["timings"] = stored_timings(database)
        figures["outputs"] = run_outputs(database)
        figures["database"] = str(database)
        runs[name] = figures
    return runs


def polars_runs(*_: object) -> dict[str, dict[str, Any]]:
    """The Polars engine's whole runs, once per commit (a ``setup_cache`` shared by its
    readers): the default run at 5k x 5 and, unless slow parameters are skipped, at 100k x 5
    with and without the weekly snapshots. Read by the outputs, the lookups, ``LargeRun``."""
    wanted = [("polars", SMALL, True)]
    if not slow_skipped():
        wanted += [("polars", LARGE, True), ("polars", LARGE, False)]
    return _runs(wanted)


def engine_runs(*_: object) -> dict[str, dict[str, Any]]:
    """The dbt engine's default run at 5k x 5 (after a one-year warm-up: its partial-parse
    cache), once per commit: ``DbtCli`` and ``DbtTimeSplit``. Apart from :func:`polars_runs`
    because asv makes a ``setup_cache`` again for every round a reader runs in, and the dbt run
    costs the most: a flagged lookup or Polars run re-measured in three rounds must not pay
    for it. Empty where this commit has no dbt engine."""
    return _runs([("dbt", SMALL, True)] if "dbt" in engines() else [])
