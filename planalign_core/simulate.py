"""Multi-year runs: inputs checked, the engine driven year by year, outputs stored at once.

Everything that can be wrong with the inputs (configuration, census, arguments) is found before
the DuckDB file is opened. The writes then happen in one transaction: the scenario's old rows are
deleted, each year's events are ingested as the year completes, and the baseline, snapshots,
accumulator and run metadata follow; any failure rolls the whole run back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import polars as pl

from planalign_core import cleanup
from planalign_core.config import Config
from planalign_core.engines import polars_engine
from planalign_core.engines.contract import (
    RunKeys,
    RunOutput,
    Stage,
    WeeklyTables,
)
from planalign_core.run_inputs import RunSpec, load_inputs
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
from planalign_core.store.snapshots import create_snapshots_view, weekly_frames
from planalign_core.store.tables import (
    BASELINE_TABLE,
    METADATA_TABLE,
)
from planalign_core.store.writer import ScenarioWriter

# The frames a run lets wait for the writer while it computes the next year. A year at 100k
# employees is about 300 MB of frames and stays under it: its storing overlaps the next
# year's compute, which both cores need (waiting for it: 9.44 s against 8.77 s). A year at 1M
# is about 3 GB: computed beside it, the next year took the run to 9.0 GiB, waiting for it
# 7.4 GiB, and faster (82 s against 83-85 s, fewer page faults). docs/benchmarks.md.
HELD_BYTES = 512 * 2**20


def _store_weekly(
    tables: Callable[[], WeeklyTables], seconds: float, writer: ScenarioWriter
) -> float:
    """Store the year's weekly snapshots in their compact form (``store/snapshots.py``: the
    segments holding Fridays and the closing rows; the view of the table's name expands them
    on read). Returns ``seconds`` plus the seconds spent computing them."""
    started = time.perf_counter()
    weekly = tables()
    for table, frame in weekly_frames(weekly.segments, weekly.closings):
        writer.write(table, frame)
    return seconds + time.perf_counter() - started


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
            submitted, viewed = writer.submitted, False
            for year in engine.years:  # each year's early rows are submitted as it starts
                for table, whole in year.frames.items():
                    if (rest := engine.early.remainder(table, whole)) is not None:
                        writer.write(table, rest)
                if year.weekly is not None:
                    report.timings[f"{Stage.WEEKLY}_{year.year}"] = _store_weekly(
                        year.weekly, year.seconds[Stage.WEEKLY], writer
                    )
                    if not viewed:  # its tables exist now: made while the next years compute
                        writer.call(create_snapshots_view)
                        viewed = True
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
        if spec.weekly_snapshots and not viewed:
            create_snapshots_view(db)
        report.timings["write_busy"] = writer.seconds
        report.timings.update(engine.timing_figures())
        report.wall_seconds = time.perf_counter() - clock
        report.peak_rss_bytes = peak_rss_bytes()
        db.replace_scenario_rows(
            METADATA_TABLE, metadata_frame(report, spec.engine, started_at), keys.scenario_id
        )
