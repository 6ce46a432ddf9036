"""Multi-year runs: inputs checked, the engine driven year by year, outputs stored at once.

Everything that can be wrong with the inputs (configuration, census, arguments) is found before
the DuckDB file is opened. The writes then happen in one transaction: the scenario's old rows are
deleted, each year's events are ingested as the year completes, and the baseline, snapshots,
accumulator and run metadata follow; any failure rolls the whole run back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import polars as pl

from planalign_core import cleanup
from planalign_core.census import load_census, synthesize_census
from planalign_core.config import IRS_LIMIT_KEYS, Config, load_config
from planalign_core.engines import ENGINE_NAMES, polars_engine
from planalign_core.engines.contract import (
    HIRE_KEY_BASE,
    RunKeys,
    RunOutput,
    Stage,
    WeeklyTables,
)
from planalign_core.errors import ConfigError
from planalign_core.events.types import IDENTIFIER_MAX_LENGTH, MAX_YEAR
from planalign_core.rules.bounds import MAX_PAY_CENTS, MAX_PAY_DOLLARS
from planalign_core.rules.headcount import hire_counts
from planalign_core.rules.limits import year_limits
from planalign_core.run_report import (
    RunReport,
    YearSummary,
    metadata_frame,
    new_report,
    peak_rss_bytes,
    record_year,
    summarise,
)
from planalign_core.store import DEFAULT_DB_PATH, Database
from planalign_core.store.opening import opened_meanwhile
from planalign_core.store.settings import RUN_MEMORY_LIMIT
from planalign_core.store.snapshots import create_snapshots_view
from planalign_core.store.tables import (
    BASELINE_TABLE,
    CLOSINGS_TABLE,
    METADATA_TABLE,
    SEGMENTS_TABLE,
)
from planalign_core.store.writer import ScenarioWriter

DEFAULT_EMPLOYEES = 1000
MAX_YEARS = 100
# The frames a run lets wait for the writer while it computes the next year. A year at 100k
# employees is about 300 MB of frames and stays under it: its storing overlaps the next
# year's compute, which both cores need (waiting for it: 9.44 s against 8.77 s). A year at 1M
# is about 3 GB: computed beside it, the next year took the run to 9.0 GiB, waiting for it
# 7.4 GiB, and faster (82 s against 83-85 s, fewer page faults). docs/benchmarks.md.
HELD_BYTES = 512 * 2**20


@dataclass(frozen=True)
class RunSpec:
    """What the user asked for."""

    years: int
    start_year: int
    seed: int
    scenario_id: str = "default"
    employees: int | None = None
    census_path: Path | None = None
    config_path: Path | None = None
    engine: str = "polars"
    weekly_snapshots: bool = True


def check_spec(spec: RunSpec) -> None:
    """Argument errors, named, before anything is read or written."""
    if spec.engine not in ENGINE_NAMES:
        raise ConfigError(f"--engine: unknown engine {spec.engine!r} (known: {ENGINE_NAMES})")
    if not 1 <= spec.years <= MAX_YEARS:
        raise ConfigError(f"--years: must be in 1..{MAX_YEARS}, got {spec.years}")
    if not 1901 <= spec.start_year <= MAX_YEAR:
        raise ConfigError(f"--start-year: must be in 1901..{MAX_YEAR}, got {spec.start_year}")
    if spec.start_year + spec.years - 1 > MAX_YEAR:
        raise ConfigError(
            f"--start-year {spec.start_year} --years {spec.years}: the run would end in "
            f"{spec.start_year + spec.years - 1}, after {MAX_YEAR}, the last simulation_year "
            "an event may carry"
        )
    if not 0 <= spec.seed < 1 << 64:
        raise ConfigError(f"--seed: must be in 0..2**64-1, got {spec.seed}")
    if not spec.scenario_id:
        raise ConfigError("--scenario: must not be empty")
    if len(spec.scenario_id) > IDENTIFIER_MAX_LENGTH:
        raise ConfigError(
            f"--scenario: {len(spec.scenario_id)} characters, more than an event's "
            f"scenario_id may hold ({IDENTIFIER_MAX_LENGTH})"
        )
    if spec.census_path is not None and spec.employees is not None:
        raise ConfigError(
            "--employees and --census exclude each other: the census is the workforce"
        )


def load_inputs(spec: RunSpec) -> tuple[Config, RunKeys, pl.DataFrame, str]:
    """Configuration, run keys and census, all validated (nothing is written here)."""
    check_spec(spec)
    config = load_config(spec.config_path)
    keys = RunKeys(spec.seed, spec.scenario_id, config.plan_design_id, spec.start_year, spec.years)
    where = "packaged defaults" if spec.config_path is None else str(spec.config_path)
    check_limits(config, keys, where)
    if spec.census_path is not None:
        census = load_census(spec.census_path, spec.start_year, config)
        source = str(spec.census_path)
    else:
        employees = DEFAULT_EMPLOYEES if spec.employees is None else spec.employees
        census = synthesize_census(employees, spec.seed, spec.start_year, config)
        source = f"synthetic({employees})"
    check_growth(census["termination_date"].null_count(), config, keys, where)
    return config, keys, census, source


def check_limits(config: Config, keys: RunKeys, where: str = "packaged defaults") -> None:
    """Refuse a run whose projected IRS limits reach the bound of a pay (rules, "Bounds"): a
    high ``limits.index_rate`` over many years compounds past it, and the limits are compared
    with and multiplied like pay."""
    for year in range(keys.start_year - 1, keys.last_year + 1):
        limits = year_limits(config, year).as_dict()
        over = [key for key in IRS_LIMIT_KEYS if int(limits[key]) > MAX_PAY_CENTS]
        if over:
            raise ConfigError(
                f"limits.index_rate {config.limits.index_rate} ({where}): {over[0]} is projected "
                f"to ${int(limits[over[0]]) // 100:,} in {year}, past the ${MAX_PAY_DOLLARS:,} "
                "bound of any pay or limit; lower limits.index_rate or end the run sooner"
            )


def check_growth(
    active: int, config: Config, keys: RunKeys, where: str = "packaged defaults"
) -> None:
    """Refuse, before any year is computed, a run whose hires must outgrow the new-hire keys
    (``HIRE_KEY_BASE`` a year). While the workforce grows, each year ends at the rules' target,
    whatever the draws, and no termination means the fewest hires: so if those overflow, the
    run would, after hours of the years before (``growth_rate`` 10 over 10 years)."""
    headcount = active
    for year in range(keys.start_year, keys.last_year + 1):
        hires, leavers = hire_counts(headcount, 0, config)
        if hires >= HIRE_KEY_BASE:
            raise ConfigError(
                f"growth_rate {config.growth_rate} ({where}): the {active:,} active employees "
                f"grow to {headcount:,} by {year}, whose {hires:,} hires or more exceed the "
                f"{HIRE_KEY_BASE - 1:,} new-hire keys of a year; lower growth_rate or --years"
            )
        headcount += hires - leavers


def _store_weekly(
    tables: Callable[[], WeeklyTables], seconds: float, writer: ScenarioWriter
) -> float:
    """Store the year's weekly snapshots in their compact form (``store/snapshots.py``: the
    segments holding Fridays and the closing rows; the view of the table's name expands them
    on read). Returns ``seconds`` plus the seconds spent computing them."""
    started = time.perf_counter()
    for table, frame in weekly_frames(tables()):
        writer.write(table, frame)
    return seconds + time.perf_counter() - started


def weekly_frames(weekly: WeeklyTables) -> Iterator[tuple[str, pl.DataFrame]]:
    """A year's compact weekly snapshots, named, in storage order."""
    yield SEGMENTS_TABLE, weekly.segments
    yield CLOSINGS_TABLE, weekly.closings


def run(
    spec: RunSpec,
    db_path: Path | str = DEFAULT_DB_PATH,
    on_year: Callable[[YearSummary, float], None] | None = None,
    threads: int | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> RunReport:
    """Simulate ``spec`` and store it in ``db_path`` (one transaction; rules, "Storage").

    ``threads`` caps DuckDB's threads (benchmarks pin it; Polars reads ``POLARS_MAX_THREADS``).
    ``on_phase`` hears each phase that can take seconds before it starts (the census, the
    engine's start (dbt's parse and first build), the final commit), ``on_year`` each year.
    """
    phase = on_phase or (lambda _text: None)
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    phase(
        f"reading the census {spec.census_path}"
        if spec.census_path is not None
        else "synthesising the census"
    )
    config, keys, census, source = load_inputs(spec)
    report = new_report(config, keys, census, source)
    report.timings["inputs"] = time.perf_counter() - clock
    phase(
        f"dbt: writing the inputs, parsing the project, building {keys.start_year}"
        if spec.engine == "dbt"
        else f"{census.height:,} employees: the baseline"
    )
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with (
        cleanup.new_file_removed_on_failure(Path(db_path)),
        opened_meanwhile(
            partial(Database, db_path, threads=threads, memory_limit=RUN_MEMORY_LIMIT)
        ) as opening,
    ):
        if spec.engine == "dbt":
            opening.wait()  # a locked file named before dbt's seconds of parsing and building
        engine = _start_engine(spec, census, config, keys, threads)
        report.timings["baseline"] = time.perf_counter() - clock - report.timings["inputs"]
        with opening.take() as db:
            _store(
                db, engine, spec, report,
                started_at=started_at, clock=clock, on_year=on_year, on_phase=phase,
            )  # fmt: skip
    return report


def _start_engine(
    spec: RunSpec, census: pl.DataFrame, config: Config, keys: RunKeys, threads: int | None
) -> RunOutput:
    """The engine's run, started: its baseline computed (dbt: the project parsed, the first
    year built), its years to come on demand."""
    if spec.engine == "dbt":
        from planalign_core.engines import dbt_driver  # noqa: PLC0415 - only a dbt run needs it

        return dbt_driver.start(
            census, config, keys, duckdb_threads=threads, weekly=spec.weekly_snapshots
        )
    return polars_engine.run(census, config, keys, weekly=spec.weekly_snapshots)


def _store(
    db: Database,
    engine: RunOutput,
    spec: RunSpec,
    report: RunReport,
    *,
    started_at: datetime,
    clock: float,
    on_year: Callable[[YearSummary, float], None] | None,
    on_phase: Callable[[str], None],
) -> None:
    """Store every year as the engine yields it, in one transaction (rules, "Storage")."""
    keys = report.keys
    with db.transaction(checkpoint=True):
        writer = ScenarioWriter(db, keys.scenario_id)
        try:
            writer.write(BASELINE_TABLE, engine.baseline)
            engine.early.connect(writer.write_if_free)
            submitted = writer.submitted
            for year in engine.years:  # each year's early rows are submitted as it starts
                for table, whole in year.frames.items():
                    if (rest := engine.early.remainder(table, whole)) is not None:
                        writer.write(table, rest)
                if year.weekly is not None:
                    report.timings[f"{Stage.WEEKLY}_{year.year}"] = _store_weekly(
                        year.weekly, year.seconds[Stage.WEEKLY], writer
                    )
                writer.backlog(writer.submitted - submitted, at_most_bytes=HELD_BYTES)
                submitted = writer.submitted
                record_year(report, year)
                summary = summarise(year)
                report.summaries.append(summary)
                if on_year is not None:
                    on_year(summary, year.seconds[Stage.YEAR])
                del year, whole, rest  # the writer holds the frames until stored, nothing else
        except BaseException:
            writer.abandon()
            raise
        on_phase(f"storing the last writes and committing to {db.path}")
        writer.wait()
        if spec.weekly_snapshots:
            create_snapshots_view(db)
        report.timings["write_busy"] = writer.seconds
        report.timings.update(engine.timing_figures())
        report.wall_seconds = time.perf_counter() - clock
        report.peak_rss_bytes = peak_rss_bytes()
        db.replace_scenario_rows(
            METADATA_TABLE, metadata_frame(report, spec.engine, started_at), keys.scenario_id
        )
