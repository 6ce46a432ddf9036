"""The SQL engine's driver: the dbt project (``dbt/``) run in-process, one invocation per year.

dbt starts slowly (imports, adapter, parsing: seconds), so the driver pays that once: it parses
the project once and hands the parsed manifest to every later invocation (``dbtRunner(manifest=
...)``). The first year's invocation builds the whole project (inputs staged, baseline, the year
loop, the event views, the marts); each later year runs only the ``year_loop`` models with
``--vars {simulation_year: Y}``. Everything is built in a scratch DuckDB file in a temporary
directory: the caller copies the output tables into the user's database in its own single
transaction, so a failed build never touches that file.

Per invocation the driver records its wall time and the nodes' "execute" phase as dbt times it
("sql": each model's SQL with its materialisation statements); the difference is dbt's own
overhead outside the nodes (start of the invocation, graph, compilation, bookkeeping).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys, RunOutput, WeeklyTables, YearOutput
from planalign_core.engines.dbt_inputs import input_tables, write_inputs
from planalign_core.errors import PlanalignError
from planalign_core.store import Database
from planalign_core.store.snapshots import view_sql
from planalign_core.store.tables import (
    ACCUMULATOR_TABLE,
    BALANCES_TABLE,
    BASELINE_TABLE,
    CLOSINGS_TABLE,
    CONTRIBUTIONS_TABLE,
    EVENTS_TABLE,
    SEGMENTS_TABLE,
    SNAPSHOT_TABLE,
    SNAPSHOTS_VIEW,
)

PROJECT_ENV = "PLANALIGN_DBT_PROJECT_DIR"
DATABASE_ENV = "PLANALIGN_DBT_DATABASE"
DUCKDB_THREADS_ENV = "PLANALIGN_DBT_DUCKDB_THREADS"
CACHE_ENV = "PLANALIGN_DBT_CACHE"
# The profile's default file name: parse and runs see one database name (the file's stem).
SCRATCH_NAME = "planalign_dbt.duckdb"
PARTIAL_PARSE = "partial_parse.msgpack"
YEAR_LOOP_SELECTOR = "tag:year_loop"
WEEKLY_MODELS = (SEGMENTS_TABLE, CLOSINGS_TABLE)
MONEY_MODELS = ("int_money_segments", "int_money_year", CONTRIBUTIONS_TABLE, BALANCES_TABLE)
# Quiet, no artefacts, no network: what an embedded run needs from dbt's many switches.
_COMMON_FLAGS = (
    "--quiet",
    "--log-level-file",
    "none",
    "--no-write-json",
    "--no-send-anonymous-usage-stats",
    "--no-version-check",
)


class DbtEngineError(PlanalignError):
    """dbt could not build the project; the message names the failing models and tests."""


def project_dir() -> Path:
    """The dbt project: ``$PLANALIGN_DBT_PROJECT_DIR``, the copy inside the installed package
    (wheels), or the repository's ``dbt/`` (a source checkout)."""
    candidates: list[Path] = []
    if os.environ.get(PROJECT_ENV):
        candidates.append(Path(os.environ[PROJECT_ENV]))
    candidates.append(Path(str(files("planalign_core").joinpath("dbt_project"))))
    candidates.append(Path(__file__).resolve().parents[2] / "dbt")
    for candidate in candidates:
        if (candidate / "dbt_project.yml").is_file():
            return candidate.resolve()
    raise DbtEngineError(
        "the dbt project was not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + f"); set {PROJECT_ENV} to the directory holding dbt_project.yml"
    )


@dataclass(frozen=True)
class Invocation:
    """One dbt invocation: what ran, how long it took, how much of that was SQL."""

    args: tuple[str, ...]
    wall_seconds: float
    sql_seconds: float
    node_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def overhead_seconds(self) -> float:
        """dbt's own time: everything but the nodes' SQL."""
        return max(self.wall_seconds - self.sql_seconds, 0.0)


@dataclass(frozen=True)
class DbtYear:
    """One simulated year's output tables and the figures of the CLI summary."""

    year: int
    events: pl.DataFrame
    snapshot: pl.DataFrame
    accumulator: pl.DataFrame
    contributions: pl.DataFrame
    balances: pl.DataFrame
    weekly_tables: WeeklyTables | None  # the compact form (what a run stores)
    weekly: pl.DataFrame | None  # the rows of the view over it, when asked for
    start_headcount: int
    experienced_terminations: int
    hires: int
    new_hire_terminations: int
    invocation: Invocation

    @property
    def end_headcount(self) -> int:
        return int(self.snapshot.filter(pl.col("employment_status") == "active").height)


@dataclass
class DbtTimings:
    """Where a run's time went: dbt's start-up and parse, then each invocation."""

    startup_seconds: float = 0.0
    parse_seconds: float = 0.0
    inputs_seconds: float = 0.0
    invocations: list[Invocation] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        """Flat figures for run metadata: ``dbt_<what>_seconds``."""
        out = {
            "dbt_startup_seconds": self.startup_seconds,
            "dbt_parse_seconds": self.parse_seconds,
            "dbt_inputs_seconds": self.inputs_seconds,
        }
        for invocation in self.invocations:
            name = _invocation_name(invocation.args)
            out[f"dbt_{name}_wall_seconds"] = invocation.wall_seconds
            out[f"dbt_{name}_sql_seconds"] = invocation.sql_seconds
            out[f"dbt_{name}_overhead_seconds"] = invocation.overhead_seconds
        return out


def _invocation_name(args: Sequence[str]) -> str:
    if "--vars" in args:
        year = json.loads(args[args.index("--vars") + 1])["simulation_year"]
        return f"{args[0]}_{year}"
    return args[0]


def _node_messages(result: Any) -> list[str]:
    problems = []
    for node_result in getattr(result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower().endswith(("error", "fail")):
            node = node_result.node
            where = getattr(node, "original_file_path", "") or node.unique_id
            problems.append(f"{node.name} ({where}): {status}: {node_result.message}")
    return problems


def _execute_seconds(result: Any) -> dict[str, float]:
    """Per node, its "execute" phase in dbt's timing: running the node's SQL."""
    seconds: dict[str, float] = {}
    for node_result in getattr(result, "results", None) or []:
        for timing in getattr(node_result, "timing", None) or []:
            if timing.name == "execute" and timing.started_at and timing.completed_at:
                elapsed = (timing.completed_at - timing.started_at).total_seconds()
                name = node_result.node.name
                seconds[name] = seconds.get(name, 0.0) + elapsed
    return seconds


_MANIFESTS: dict[tuple[str, str], Any] = {}


def cache_dir(project: Path) -> Path | None:
    """Where dbt's partial parsing file of ``project`` is kept between runs:
    ``$PLANALIGN_DBT_CACHE`` or ``$XDG_CACHE_HOME/planalign/dbt`` (default ``~/.cache``), one
    folder per project path; None (no cache) when it cannot be created."""
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "planalign", "dbt"
    )
    folder = Path(root) / hashlib.sha256(str(project).encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


_PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")


def project_fingerprint(project: Path) -> str:
    """SHA-256 over the project's files (names and contents): a parse is reused only while
    the files it read are unchanged."""
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        root = project / part
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(project)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class DbtSession:
    """dbt on one project and one scratch database: parse once, invoke many times."""

    def __init__(
        self, project: Path, workdir: Path, database: Path, duckdb_threads: int | None = None
    ) -> None:
        started = time.perf_counter()
        from dbt.cli.main import dbtRunner  # noqa: PLC0415 - dbt is heavy: import on use

        self._runner_class = dbtRunner
        self.startup_seconds = time.perf_counter() - started
        self.project = project
        self.workdir = workdir
        self.database = database
        self._env = {DATABASE_ENV: str(database)}
        if duckdb_threads is not None:
            self._env[DUCKDB_THREADS_ENV] = str(duckdb_threads)
        self._paths = (
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(workdir / "target"),
            "--log-path",
            str(workdir / "logs"),
        )
        self._runner: Any = None

    @contextmanager
    def _environment(self, values: Mapping[str, str] | None = None) -> Iterator[None]:
        """Point the committed profile at the scratch database for the call's duration."""
        values = {**self._env, **(values or {})}
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def parse(self) -> float:
        """Parse the project, or reuse this process's parse of the same project files: every
        invocation of every run takes the manifest instead of parsing again. Across processes,
        dbt's partial parsing file is kept in :func:`cache_dir` (dbt re-reads what changed)."""
        started = time.perf_counter()
        key = (str(self.project), project_fingerprint(self.project))
        manifest: Any = _MANIFESTS.get(key)
        if manifest is None:
            manifest = _MANIFESTS[key] = self._parse()
        self._runner = self._runner_class(manifest=manifest)
        return time.perf_counter() - started

    def _parse(self) -> Any:
        cache = cache_dir(self.project)
        target = self.workdir / "parse"
        target.mkdir(parents=True, exist_ok=True)
        flags: tuple[str, ...] = ("--no-partial-parse",)
        # The profile is part of what partial parsing checks: parse against a fixed database
        # path. Its file name is the scratch file's, so the parsed relations name the same
        # database the runs then write.
        parse_env = {DATABASE_ENV: str(target / SCRATCH_NAME)}
        if cache is not None:
            flags = ()
            parse_env[DATABASE_ENV] = str(cache / SCRATCH_NAME)
            if (cache / PARTIAL_PARSE).is_file():
                shutil.copyfile(cache / PARTIAL_PARSE, target / PARTIAL_PARSE)
        paths = (*self._paths[:4], "--target-path", str(target), *self._paths[6:])
        with self._environment(parse_env):
            result = self._runner_class().invoke(["parse", *paths, *_COMMON_FLAGS, *flags])
        if isinstance(result.exception, (KeyboardInterrupt, OSError)):
            raise result.exception
        if not result.success:
            raise DbtEngineError(f"dbt could not parse {self.project}: {result.exception}")
        if cache is not None and (target / PARTIAL_PARSE).is_file():
            fresh = cache / f".{os.getpid()}.{PARTIAL_PARSE}"
            shutil.copyfile(target / PARTIAL_PARSE, fresh)
            os.replace(fresh, cache / PARTIAL_PARSE)  # atomic: concurrent runs never see half
        return result.result

    def invoke(self, *args: str) -> Invocation:
        """Run one dbt command; a failure raises naming every failed node."""
        if self._runner is None:
            self.parse()
        started = time.perf_counter()
        with self._environment():
            result = self._runner.invoke([*args, *self._paths, *_COMMON_FLAGS])
        wall = time.perf_counter() - started
        if isinstance(result.exception, (KeyboardInterrupt, OSError)):
            raise result.exception  # Ctrl-C, a full disk: the CLI names these plainly
        if not result.success:
            problems = _node_messages(result.result)
            detail = "\n  ".join(problems) if problems else str(result.exception)
            raise DbtEngineError(f"dbt {' '.join(args)} failed:\n  {detail}")
        nodes = _execute_seconds(result.result)
        return Invocation(tuple(args), wall, sum(nodes.values()), nodes)

    def close(self) -> None:
        """Release dbt-duckdb's connection to the scratch file (it keeps one per process)."""
        from dbt.adapters.duckdb.connections import (  # noqa: PLC0415
            DuckDBConnectionManager,
        )

        manager: Any = DuckDBConnectionManager
        manager.close_all_connections()


def year_args(
    year: int, *, first: bool, command: str = "run", weekly: bool = True
) -> tuple[str, ...]:
    """The invocation of one year: the whole project the first time, the loop after (without
    the weekly balance snapshots when ``weekly`` is false)."""
    select = () if first else ("--select", YEAR_LOOP_SELECTOR)
    exclude = () if weekly else ("--exclude", *WEEKLY_MODELS)
    return (command, *select, *exclude, "--vars", json.dumps({"simulation_year": year}))


def _year_counts(connection: duckdb.DuckDBPyConnection, year: int) -> tuple[int, int, int, int]:
    """(start headcount, experienced terminations, hires, new-hire terminations)."""
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
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _read(connection: duckdb.DuckDBPyConnection, table: str, year: int | None) -> pl.DataFrame:
    where = "" if year is None else " WHERE simulation_year = ?"
    frame: pl.DataFrame = connection.sql(
        f'SELECT * FROM main."{table}"{where}', params=[] if year is None else [year]
    ).pl()
    return frame


SCRATCH_PREFIX = "planalign-dbt-"


def scratch_workdir() -> Path:
    """A private (0700) scratch folder named for this process; first, the folders of
    processes that no longer run (a run killed with SIGKILL cannot clean up; its folder holds
    the census, personal data) are removed."""
    root = Path(tempfile.gettempdir())
    for leftover in root.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = leftover.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, not ours to sweep
        return True
    return True


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
        years = _years(
            session, run, timings, workdir, tests=tests, weekly=weekly, expanded=expanded
        )
        first = next(years)  # from here on, the generator's own ``finally`` cleans up
    except BaseException:
        # the generator has not started (a failed parse) or has already cleaned up
        if session is not None:
            session.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    connection = duckdb.connect(str(database))
    try:
        baseline = _read(connection, BASELINE_TABLE, None)
    finally:
        connection.close()
    return DbtRun(baseline, _chain(first, years), timings)


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
            # dbt-duckdb keeps its connection open; a plain one of the same configuration
            # shares its database instance.
            connection = duckdb.connect(str(session.database))
            try:
                starting, leavers, hires, hires_leaving = _year_counts(connection, year)
                events, snapshot, accumulator, contributions, balances = (
                    _read(connection, table, year)
                    for table in (
                        EVENTS_TABLE,
                        SNAPSHOT_TABLE,
                        ACCUMULATOR_TABLE,
                        CONTRIBUTIONS_TABLE,
                        BALANCES_TABLE,
                    )
                )
                tables, snapshots = None, None
                if weekly:
                    tables = WeeklyTables(*(_read(connection, t, year) for t in WEEKLY_MODELS))
                if weekly and expanded:
                    connection.execute(view_sql())
                    snapshots = _read(connection, SNAPSHOTS_VIEW, year)
            finally:
                connection.close()
            yield DbtYear(
                year,
                events,
                snapshot,
                accumulator,
                contributions,
                balances,
                tables,
                snapshots,
                starting,
                leavers,
                hires,
                hires_leaving,
                invocation,
            )
        if tests:
            timings.invocations.append(session.invoke("test"))
    finally:
        session.close()
        shutil.rmtree(workdir, ignore_errors=True)


# --- the engine interface of ``planalign_core.simulate`` --------------------------------------


@dataclass(frozen=True)
class DbtEngineRun(RunOutput):
    """:class:`RunOutput` of the dbt engine, with where its time went (filled as years run)."""

    timings: DbtTimings = field(default_factory=DbtTimings)


def _output(year: DbtYear) -> YearOutput:
    """A built year as the engine contract has it; the seconds are dbt's own node timings."""
    nodes = year.invocation.node_seconds
    tables = year.weekly_tables
    return YearOutput(
        year=year.year,
        events=year.events,
        snapshot=year.snapshot,
        accumulator=year.accumulator,
        contributions=year.contributions,
        balances=year.balances,
        weekly=None if tables is None else (lambda: tables),
        start_headcount=year.start_headcount,
        experienced_terminations=year.experienced_terminations,
        hires=year.hires,
        new_hire_terminations=year.new_hire_terminations,
        seconds=year.invocation.wall_seconds,
        accumulator_seconds=nodes.get(ACCUMULATOR_TABLE, 0.0),
        money_seconds=sum(nodes.get(name, 0.0) for name in MONEY_MODELS),
        weekly_seconds=sum(nodes.get(name, 0.0) for name in WEEKLY_MODELS),
    )


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
    return DbtEngineRun(native.baseline, (_output(year) for year in native.years), native.timings)


def timing_summary(timings: Mapping[str, float]) -> str | None:
    """The CLI's lines on dbt's time: start-up and parse, then per invocation the wall time
    split into dbt's overhead and the SQL it ran. None when the run did not use dbt."""
    runs = sorted(
        key.removesuffix("_wall_seconds").removeprefix("dbt_")
        for key in timings
        if key.startswith("dbt_") and key.endswith("_wall_seconds")
    )
    if not runs:
        return None
    lines = [
        f"dbt: start-up {timings.get('dbt_startup_seconds', 0.0):.2f} s, "
        f"parse {timings.get('dbt_parse_seconds', 0.0):.2f} s, "
        f"inputs {timings.get('dbt_inputs_seconds', 0.0):.2f} s",
        f"{'invocation':>12} {'wall s':>8} {'dbt s':>8} {'sql s':>8}",
    ]
    for name in runs:
        lines.append(
            f"{name:>12} {timings[f'dbt_{name}_wall_seconds']:>8.2f} "
            f"{timings[f'dbt_{name}_overhead_seconds']:>8.2f} "
            f"{timings[f'dbt_{name}_sql_seconds']:>8.2f}"
        )
    return "\n".join(lines)
