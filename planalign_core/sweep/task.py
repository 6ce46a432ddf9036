"""One (scenario, seed) of a sweep: the Polars engine in-process, each table to one Parquet file.

This is what a Dask worker runs. It is ``planalign simulate`` with Parquet files in place of
the DuckDB file: the same inputs (``run_inputs.load_inputs``), the same engine, the same frames
and the same ``run_metadata`` row, so each table equals what ``simulate`` stores for the same
scenario and seed (tests/unit/test_sweep_task.py). Each file is written under a temporary name
and renamed; the pair's marker comes last. A worker runs one pair at a time (``_ONE_RUN``:
a run holds a year's frames; two at once on one worker would double that), and returns only
row counts and seconds: the tables never travel to the client.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from planalign_core.config import config_hash
from planalign_core.engines import polars_engine
from planalign_core.engines.contract import RunOutput
from planalign_core.errors import CensusError, ConfigError, SweepError
from planalign_core.run_inputs import RunSpec, load_inputs
from planalign_core.run_report import (
    RunReport,
    metadata_frame,
    new_report,
    peak_rss_bytes,
    record_year,
)
from planalign_core.store.snapshots import weekly_frames
from planalign_core.store.tables import BASELINE_TABLE, METADATA_TABLE
from planalign_core.sweep import layout
from planalign_core.sweep.manifest import code_sha256, file_sha256

_ONE_RUN = threading.Lock()
# zstd without dictionary pages: at 5k x 5 the files were 26 % smaller (6.9 vs 9.3 MB) and the
# writes about 30 % cheaper in CPU (0.42 vs 0.58 s a run) than pyarrow's default dictionaries,
# which most columns here (ids, amounts, dates) overflow anyway.
PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": False}


@dataclass(frozen=True)
class PairJob:
    """Everything a worker needs for one pair (plain values: it is pickled to the worker): the
    run itself as the :class:`RunSpec` the plan describes, and what its inputs must still be."""

    out: str
    spec: RunSpec
    fingerprint: str
    code_sha256: str
    census_sha256: str | None
    config_hash: str

    @property
    def scenario(self) -> str:
        return self.spec.scenario_id

    @property
    def seed(self) -> int:
        return self.spec.seed


@dataclass(frozen=True)
class PairResult:
    """What a finished pair sends back: counts and seconds, never rows."""

    scenario: str
    seed: int
    rows: dict[str, int]
    seconds: float
    worker: str


@dataclass(frozen=True)
class PairRefused:
    """A pair its own inputs refuse (a :class:`ConfigError` or :class:`CensusError`: a bound
    of the run passed, say). The same inputs fail the same way on every try, so the task
    returns this instead of raising: Dask retries a task that raises."""

    scenario: str
    seed: int
    error: str


class TableFiles:
    """One Parquet file per table, written a year at a time (one row group per write: a run
    holds one year's frames, not all of them) and renamed into place on :meth:`commit`."""

    def __init__(self, out: Path, scenario: str, seed: int) -> None:
        self.out, self.scenario, self.seed = out, scenario, seed
        self.rows: dict[str, int] = {}
        self._writers: dict[str, tuple[Any, Path]] = {}

    def write(self, table: str, frame: pl.DataFrame) -> None:
        import pyarrow.parquet as pq  # noqa: PLC0415 - only workers write Parquet

        data = frame.to_arrow()
        if table not in self._writers:
            final = layout.part_path(self.out, table, self.scenario, self.seed)
            final.parent.mkdir(parents=True, exist_ok=True)
            partial = layout.temporary(final)
            writer = pq.ParquetWriter(partial, data.schema, **PARQUET_OPTIONS)
            self._writers[table] = (writer, partial)
        writer = self._writers[table][0]
        writer.write_table(data if data.schema == writer.schema else data.cast(writer.schema))
        self.rows[table] = self.rows.get(table, 0) + frame.height

    def commit(self) -> None:
        """Close every file and rename each onto its final name."""
        for table, (writer, partial) in self._writers.items():
            writer.close()
            os.replace(partial, layout.part_path(self.out, table, self.scenario, self.seed))
        self._writers.clear()

    def __enter__(self) -> TableFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for writer, partial in self._writers.values():  # failed: nothing is renamed
            writer.close()
            partial.unlink(missing_ok=True)


def check_inputs(job: PairJob) -> None:
    """The worker runs the code and reads the inputs the sweep was planned with."""
    if code_sha256() != job.code_sha256:
        raise SweepError(
            f"worker {socket.gethostname()} runs other planalign code than the client "
            f"(source SHA-256 {code_sha256()[:12]}, the sweep's {job.code_sha256[:12]}): "
            "install the same version on every worker"
        )
    census = job.spec.census_path
    if census is not None and file_sha256(census) != job.census_sha256:
        raise SweepError(f"census {census} changed since the sweep started")


def run_pair(job: PairJob) -> PairResult | PairRefused:
    """Run one (scenario, seed) into its Parquet files and mark it finished, or say why its
    inputs refuse it (nothing of it is left behind either way)."""
    try:
        return _run_pair(job)
    except (ConfigError, CensusError) as exc:
        return PairRefused(job.scenario, job.seed, f"{type(exc).__name__}: {exc}")


def _run_pair(job: PairJob) -> PairResult:
    with _ONE_RUN:
        started_at = datetime.now(UTC)
        clock = time.perf_counter()
        check_inputs(job)
        out = Path(job.out)
        layout.remove_leftovers(out, job.scenario, job.seed)
        config, keys, census, source = load_inputs(job.spec)
        if config_hash(config) != job.config_hash:
            raise SweepError(
                f"scenario {job.scenario!r}: configuration {job.spec.config_path} changed since "
                "the sweep started"
            )
        report = new_report(config, keys, census, source)
        report.timings["inputs"] = time.perf_counter() - clock
        engine = polars_engine.run(census, config, keys, weekly=True, overlap=False)
        with TableFiles(out, job.scenario, job.seed) as files:
            _write_years(engine, files, report)
            report.wall_seconds = time.perf_counter() - clock
            report.peak_rss_bytes = peak_rss_bytes()
            files.write(METADATA_TABLE, metadata_frame(report, "polars", started_at))
            files.commit()
        seconds = time.perf_counter() - clock
        worker = f"{socket.gethostname()}:{os.getpid()}"
        marker = {"fingerprint": job.fingerprint, "rows": files.rows, "seconds": seconds}
        layout.write_json(layout.done_path(out, job.scenario, job.seed), marker)
        return PairResult(job.scenario, job.seed, files.rows, seconds, worker)


def _write_years(engine: RunOutput, files: TableFiles, report: RunReport) -> None:
    """The tables in ``simulate``'s order (the engine's ``frames``), a year at a time."""
    files.write(BASELINE_TABLE, engine.baseline)
    for year in engine.years:
        for table, frame in year.frames.items():
            files.write(table, frame)
        if year.weekly is not None:
            weekly = year.weekly()
            for table, frame in weekly_frames(weekly.segments, weekly.closings):
                files.write(table, frame)
        record_year(report, year)
