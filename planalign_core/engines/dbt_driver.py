"""The SQL engine's driver: the dbt project (``dbt/``) run in-process, one invocation per year.

dbt starts slowly (imports, adapter, parsing: seconds), so the driver pays that once: it parses
the project once and hands the parsed manifest to every later invocation (``dbtRunner(manifest=
...)``). The first year's invocation builds the whole project (inputs staged, baseline, the year
loop, the event views, the marts); each later year runs only the ``year_loop`` models with
``--vars {simulation_year: Y}``. Everything is built in a scratch DuckDB file in a temporary
directory (the inputs in the file, the models in an in-memory database the profile attaches,
where a commit writes no log): the caller copies the output tables into the user's database in
its own single transaction, so a failed build never touches that file.

Per invocation the driver records its wall time and the nodes' "execute" phase as dbt times it
("sql": each model's SQL with its materialisation statements); the difference is dbt's own
overhead outside the nodes (start of the invocation, graph, compilation, bookkeeping).
"""

from __future__ import annotations

import importlib
import json
import shutil
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from planalign_core import cleanup
from planalign_core.config import Config
from planalign_core.engines.contract import (
    RunKeys,
    RunOutput,
    Stage,
    WeeklyTables,
    YearCounts,
    YearOutput,
)
from planalign_core.engines.dbt_inputs import input_tables, rng_constants, write_inputs
from planalign_core.engines.dbt_session import (
    CACHE_ENV,
    DATABASE_ENV,
    DUCKDB_THREADS_ENV,
    MODELS_DATABASE,
    PARTIAL_PARSE,
    PROJECT_ENV,
    SCRATCH_NAME,
    SCRATCH_PREFIX,
    DbtEngineError,
    DbtSession,
    Invocation,
    cache_dir,
    project_dir,
    project_fingerprint,
    scratch_workdir,
)
from planalign_core.engines.dbt_timings import DbtTimings, timing_summary
from planalign_core.store import Database
from planalign_core.store.snapshots import view_sql
from planalign_core.store.tables import (
    ACCUMULATOR_TABLE,
    BALANCES_TABLE,
    BASELINE_TABLE,
    SNAPSHOT_TABLE,
    SNAPSHOTS_VIEW,
    WEEKLY_SNAPSHOT_TABLES,
    YEAR_TABLES,
)

YEAR_LOOP_SELECTOR = "tag:year_loop"
WEEKLY_MODELS = WEEKLY_SNAPSHOT_TABLES
# The year's money nodes (the contributions are a view over int_money_year, built once: not
# one of a year's nodes).
MONEY_MODELS = ("int_money_segments", "int_money_year", BALANCES_TABLE)


# Quiet, no artefacts, no network: what an embedded run needs from dbt's many switches.
@dataclass(frozen=True)
class DbtYear:
    """One simulated year's output tables and the figures of the CLI summary."""

    year: int
    frames: dict[str, pl.DataFrame]  # every table of YEAR_TABLES, by name
    weekly_tables: WeeklyTables | None  # the compact form (what a run stores)
    weekly: pl.DataFrame | None  # the rows of the view over it, when asked for
    counts: YearCounts
    invocation: Invocation


def year_args(
    year: int, *, first: bool, command: str = "run", weekly: bool = True
) -> tuple[str, ...]:
    """The invocation of one year: the whole project the first time, the loop after (without
    the weekly balance snapshots when ``weekly`` is false), with :func:`scratch_vars`."""
    select = () if first else ("--select", YEAR_LOOP_SELECTOR)
    exclude = () if weekly else ("--exclude", *WEEKLY_MODELS)
    return (command, *select, *exclude, "--vars", scratch_vars(year))


def scratch_vars(year: int) -> str:
    """The vars of a build in the scratch file: the year; the draw's constants, the row the
    inputs hold in ``rng_constants`` (the models then need not query it: one dbt statement a
    model and a year, dbt/macros/rng.sql); and ``planalign_scratch``, which turns off the two
    hooks that serve a file built by hand (the year chosen from the file and recorded, the
    file finished for ``planalign history``: dbt/macros/year.sql, finish.sql)."""
    values = {
        "simulation_year": year,
        "planalign_rng": rng_constants().row(0, named=True),
        "planalign_scratch": True,
    }
    return json.dumps(values)


def _year_counts(connection: duckdb.DuckDBPyConnection, year: int) -> YearCounts:
    """The year's headcount figures, from its snapshot rows."""
    row = connection.execute(
        f"""
        SELECT
            count(*) FILTER (WHERE NOT starts_with(detailed_status, 'new_hire')),
            count(*) FILTER (WHERE detailed_status = 'experienced_termination'),
            count(*) FILTER (WHERE starts_with(detailed_status, 'new_hire')),
            count(*) FILTER (WHERE detailed_status = 'new_hire_termination')
        FROM main."{SNAPSHOT_TABLE}" WHERE simulation_year = ?
        """,
        [year],
    ).fetchall()[0]
    return YearCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def _models(database: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the scratch build's models. dbt-duckdb keeps its connection to the
    scratch file open; a plain one of the same configuration shares its database instance,
    and with it the in-memory database the models are built in."""
    connection = duckdb.connect(str(database))
    connection.execute(f"USE {MODELS_DATABASE}")
    return connection


def _read(connection: duckdb.DuckDBPyConnection, table: str, year: int | None) -> pl.DataFrame:
    where = "" if year is None else " WHERE simulation_year = ?"
    frame: pl.DataFrame = connection.sql(
        f'SELECT * FROM main."{table}"{where}', params=[] if year is None else [year]
    ).pl()
    return frame


@dataclass
class DbtRun:
    """A prepared run: the first year is built and the baseline is ready; the later years are
    built as :attr:`years` is iterated. Iterate it to the end (or close it)."""

    baseline: pl.DataFrame
    years: Iterator[DbtYear]
    timings: DbtTimings


def run_years(
    census: pl.DataFrame,
    config: Config,
    run: RunKeys,
    *,
    tests: bool = False,
    duckdb_threads: int | None = None,
    weekly: bool = True,
    expanded: bool = True,
) -> DbtRun:
    """Build the run with dbt; ``tests`` also runs the project's data and unit tests at the end;
    ``weekly`` false skips the weekly balance snapshots; ``expanded`` false reads only their
    compact form (``DbtYear.weekly`` is then None).

    The scratch directory lives until :attr:`DbtRun.years` is exhausted or closed.
    """
    timings = DbtTimings()
    workdir = scratch_workdir()
    database = workdir / SCRATCH_NAME
    session: DbtSession | None = None
    try:
        started = time.perf_counter()
        with Database(database) as db:
            write_inputs(db, input_tables(config, census, run))
        timings.inputs_seconds = time.perf_counter() - started
        session = DbtSession(project_dir(), workdir, database, duckdb_threads)
        timings.startup_seconds = session.startup_seconds
        timings.parse_seconds = session.parse()
        _import_in_background("pyarrow")
        years = _years(
            session, run, timings, workdir, tests=tests, weekly=weekly, expanded=expanded
        )
        first = next(years)  # from here on, the generator's own ``finally`` cleans up
    except BaseException:
        # the generator has not started (a failed parse) or has already cleaned up
        if session is not None:
            session.close()
        shutil.rmtree(workdir, ignore_errors=True)
        cleanup.forget(workdir)
        raise
    connection = _models(database)
    try:
        baseline = _read(connection, BASELINE_TABLE, None)
    finally:
        connection.close()
    return DbtRun(baseline, _chain(first, years), timings)


def _import_in_background(module: str) -> threading.Thread:
    """Import ``module`` on a daemon thread. The first year's rows are read with DuckDB's
    ``.pl()``, which imports pyarrow (0.07-0.2 s); while dbt builds that year, its SQL leaves
    the interpreter free most of the time, so the import costs the run little there."""
    thread = threading.Thread(target=importlib.import_module, args=(module,), daemon=True)
    thread.start()
    return thread


def _chain(first: DbtYear, rest: Generator[DbtYear]) -> Generator[DbtYear]:
    try:
        yield first
        yield from rest
    finally:
        rest.close()


def _years(
    session: DbtSession,
    run: RunKeys,
    timings: DbtTimings,
    workdir: Path,
    *,
    tests: bool,
    weekly: bool,
    expanded: bool,
) -> Generator[DbtYear]:
    try:
        for index, year in enumerate(run.years_simulated):
            invocation = session.invoke(*year_args(year, first=index == 0, weekly=weekly))
            timings.invocations.append(invocation)
            connection = _models(session.database)
            try:
                counts = _year_counts(connection, year)
                frames = {table: _read(connection, table, year) for table in YEAR_TABLES}
                tables, snapshots = None, None
                if weekly:
                    tables = WeeklyTables(*(_read(connection, t, year) for t in WEEKLY_MODELS))
                if weekly and expanded:
                    connection.execute(view_sql())
                    snapshots = _read(connection, SNAPSHOTS_VIEW, year)
            finally:
                connection.close()
            yield DbtYear(year, frames, tables, snapshots, counts, invocation)
        if tests:
            last = run.years_simulated[-1]
            timings.invocations.append(session.invoke("test", "--vars", scratch_vars(last)))
    finally:
        session.close()
        shutil.rmtree(workdir, ignore_errors=True)
        cleanup.forget(workdir)


# --- the engine interface of ``planalign_core.simulate`` --------------------------------------


@dataclass(frozen=True)
class DbtEngineRun(RunOutput):
    """:class:`RunOutput` of the dbt engine, with where its time went (filled as years run)."""

    timings: DbtTimings = field(default_factory=DbtTimings)

    def timing_figures(self) -> dict[str, float]:
        return self.timings.as_dict()


def _output(year: DbtYear) -> YearOutput:
    """A built year as the engine contract has it; the seconds are dbt's own node timings."""
    nodes = year.invocation.node_seconds
    tables = year.weekly_tables
    seconds = {
        Stage.YEAR: year.invocation.wall_seconds,
        Stage.ACCUMULATOR: nodes.get(ACCUMULATOR_TABLE, 0.0),
        Stage.MONEY: sum(nodes.get(name, 0.0) for name in MONEY_MODELS),
        Stage.WEEKLY: sum(nodes.get(name, 0.0) for name in WEEKLY_MODELS),
    }
    weekly = None if tables is None else (lambda: tables)
    return YearOutput(year.year, year.frames, weekly, year.counts, seconds)


def start(
    census: pl.DataFrame,
    config: Config,
    keys: RunKeys,
    *,
    duckdb_threads: int | None = None,
    tests: bool = False,
    weekly: bool = True,
) -> DbtEngineRun:
    """The dbt engine behind ``planalign simulate --engine dbt``, as the engine contract has
    it (what the Polars engine's ``run`` gives too)."""
    native = run_years(
        census,
        config,
        keys,
        tests=tests,
        duckdb_threads=duckdb_threads,
        weekly=weekly,
        expanded=False,
    )
    return DbtEngineRun(
        native.baseline, (_output(year) for year in native.years), timings=native.timings
    )


# The session's names stay importable from here: the benchmarks (run against older commits too)
# and the tests name them as ``dbt_driver.X``.
__all__ = [
    "CACHE_ENV",
    "DATABASE_ENV",
    "DUCKDB_THREADS_ENV",
    "MONEY_MODELS",
    "PARTIAL_PARSE",
    "PROJECT_ENV",
    "SCRATCH_NAME",
    "SCRATCH_PREFIX",
    "WEEKLY_MODELS",
    "YEAR_LOOP_SELECTOR",
    "DbtEngineError",
    "DbtEngineRun",
    "DbtRun",
    "DbtSession",
    "DbtTimings",
    "DbtYear",
    "Invocation",
    "cache_dir",
    "project_dir",
    "project_fingerprint",
    "run_years",
    "scratch_vars",
    "scratch_workdir",
    "start",
    "timing_summary",
    "year_args",
]
