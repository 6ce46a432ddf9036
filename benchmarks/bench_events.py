"""The event schema's stages: batch validation, the columnar form, DuckDB ingest.

Goals (issue "Foundation"), read from this suite, never from timed tests:
- batch validation >= 300k events/s on one core (the users' earlier engine: ~65k/s);
- DuckDB ingest >= 10M events/s from Arrow (their target: >= 100k/s; they reached ~50k/s).
Inputs are synthetic event batches (every payload type) built once per machine and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from .common import (
    CPU_TIMER,
    Interleaved,
    best_rate,
    cache_dir,
    per_process,
    require,
    scratch_dir,
    skip_slow,
    write_once,
)

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

SIZES = [10_000, 100_000, 1_000_000]
# Validation and the model <-> row conversions cost 5-11 s per call at 1M events (seconds of
# the 10-minute budget per commit for a figure that 100k already gives); ingest keeps 1M.
CONVERSION_SIZES = SIZES[:2]
EVENTS_SEED = 20_240_601


def event_batch(n: int) -> pl.DataFrame:
    """``n`` synthetic events in the columnar layout, cached as Parquet.

    Built by the package's own generator, whose output is pinned by the fingerprint in
    ``benchmarks/datasets.lock.json`` (``tests/e2e/test_asv_suite.py``): the generator may not
    change what it produces, so every commit reads the same batch.
    """

    def write(partial: Path) -> None:  # a commit without the generator reads the cached batch
        synthetic_events = require("planalign_core.events.synthetic", "synthetic_events")
        synthetic_events(n, seed=EVENTS_SEED).write_parquet(partial)

    return pl.read_parquet(
        write_once(cache_dir() / f"event_batch-{n}-{EVENTS_SEED}.parquet", write)
    )


def event_json(n: int) -> bytes:
    """The batch as one JSON array (the wire form of ``planalign validate``/``ingest``)."""

    def write(partial: Path) -> None:
        frame_to_json = require("planalign_core.events.columnar", "frame_to_json")
        partial.write_bytes(frame_to_json(event_batch(n)))

    return write_once(cache_dir() / f"event_batch-{n}-{EVENTS_SEED}.json", write).read_bytes()


# What a timed call only reads is built once per process (asv re-runs ``setup`` before every
# sample; at 100k events these inputs cost more than the calls they prepare).
batch = per_process(event_batch)
wire = per_process(event_json)


@per_process
def batch_objects(n: int) -> list[dict[str, Any]]:
    """The batch as a caller holds it: dicts with Decimal, date and UUID values."""
    adapters = require("planalign_core.events.adapters")
    objects: list[dict[str, Any]] = adapters.EVENTS_ADAPTER.dump_python(
        adapters.validate_json(wire(n))
    )
    return objects


@per_process
def batch_models(n: int) -> list[Any]:
    """The batch as event models (``frame_to_events`` of the columnar rows)."""
    return list(require("planalign_core.events.columnar", "frame_to_events")(batch(n)))


class _Conversions(Interleaved):
    """The sampling of the batch conversions: each size, interleaved in a pull-request check."""

    params = [CONVERSION_SIZES]
    param_names = ["events"]
    timeout = 600
    repeat = (2, 4, 2.0)


class _OneCall(_Conversions):
    """A conversion timed as one call: the package's ``call`` (module, function) on the input
    ``inputs`` builds. Each class builds only the input its benchmarks read (a setup runs in
    every benchmark's process: the objects of 100k events cost 2.8 s of CPU, the models 3.0 s).
    A class names its benchmarks by assigning ``_time`` and ``_track_rate``."""

    call: ClassVar[tuple[str, str]]
    inputs: ClassVar[Callable[[int], Any]]

    def setup(self, events: int) -> None:
        skip_slow(events >= 100_000)
        self.function = require(*self.call)
        self.data = type(self).inputs(events)

    def _time(self, events: int) -> None:
        self.function(self.data)

    def _track_rate(self, events: int) -> float:
        return best_rate(lambda: self.function(self.data), events, repeats=2)

    _track_rate.unit = "events/s"  # type: ignore[attr-defined]
    _track_rate.rounds = 1  # type: ignore[attr-defined]  # one value is kept


class ValidateBatch(_OneCall):
    """Pydantic validation of a whole batch of JSON through the module-level adapter."""

    call, inputs = ("planalign_core.events.adapters", "validate_json"), wire
    time_validate_json = _OneCall._time
    track_validate_json_rate = _OneCall._track_rate


class ValidateObjects(_OneCall):
    """Pydantic validation of a whole batch of Python objects (dicts with Decimal, date and
    UUID values) through the module-level adapter."""

    call, inputs = ("planalign_core.events.adapters", "validate_python"), batch_objects
    time_validate_objects = _OneCall._time
    track_validate_objects_rate = _OneCall._track_rate


class ColumnarForm(_Conversions):
    """The wide columnar rows of ``fct_yearly_events`` to event models and to JSON."""

    def setup(self, events: int) -> None:
        skip_slow(events >= 100_000)
        columnar = require("planalign_core.events.columnar")
        self.to_models = columnar.frame_to_events
        self.to_json = columnar.frame_to_json
        self.frame = batch(events)

    def time_rows_to_models(self, events: int) -> None:
        self.to_models(self.frame)

    def time_rows_to_json(self, events: int) -> None:
        self.to_json(self.frame)


class ColumnarFromModels(_OneCall):
    """Event models to the wide columnar rows of ``fct_yearly_events``."""

    call, inputs = ("planalign_core.events.columnar", "events_to_frame"), batch_models
    time_models_to_rows = _OneCall._time


class Ingest:
    """Columnar events into a fresh DuckDB database, idempotent by event_id."""

    params = [SIZES]
    param_names = ["events"]
    timeout = 600
    repeat = (2, 5, 4.0)

    def setup(self, events: int) -> None:
        skip_slow(events >= 1_000_000)
        self.database = require("planalign_core.store", "Database")
        self.frame = batch(events)

    def _ingest(self) -> int:
        with self.database(":memory:") as db:
            return int(db.ingest_events(self.frame).inserted)

    def time_ingest(self, events: int) -> None:
        self._ingest()

    def peakmem_ingest(self, events: int) -> None:
        self._ingest()

    def track_ingest_rate(self, events: int) -> float:
        return best_rate(self._ingest, events, repeats=3)

    track_ingest_rate.unit = "events/s"  # type: ignore[attr-defined]
    track_ingest_rate.rounds = 1  # type: ignore[attr-defined]

    def track_reingest_inserts(self, events: int) -> int:
        """Rows added by a second ingest of the same batch: 0 while ingest is idempotent."""
        with self.database(":memory:") as db:
            db.ingest_events(self.frame)
            return int(db.ingest_events(self.frame).inserted)

    track_reingest_inserts.rounds = 1  # type: ignore[attr-defined]
    track_reingest_inserts.unit = "rows"  # type: ignore[attr-defined]


def event_lines(n: int) -> Path:
    """The batch as a JSON lines file (what ``planalign ingest FILE`` reads), cached."""

    def write(partial: Path) -> None:
        frame_to_jsonl = require("planalign_core.events.columnar", "frame_to_jsonl")
        partial.write_bytes(frame_to_jsonl(event_batch(n)))

    return write_once(cache_dir() / f"event_batch-{n}-{EVENTS_SEED}.jsonl", write)


class _FileCommand:
    """A ``planalign`` command over a file of events, in-process, through the CLI's ``main``
    (every commit has it): one round of two samples at 100k events."""

    params = [[100_000]]  # 1M (measured once, in the docstring) would cost a history 1 min a commit
    param_names = ["events"]
    timeout = 900
    repeat = (1, 2, 10.0)  # two samples a round, one round: about 2 s a call
    rounds = 1
    number = 1
    warmup_time = 0.0

    def _run(self, *argv: str) -> None:
        if require("planalign_core.cli", "main")(list(argv)) != 0:
            raise RuntimeError(f"planalign {argv[0]} failed")


class IngestFile(_FileCommand):
    """``planalign ingest FILE``, in-process: a JSON lines file validated, converted and stored
    into a new DuckDB file. Its peak memory is the command's: the file is read a block at a
    time (1M events: 6.03G when the whole file's models were held at once, 809M a block at a
    time)."""

    def setup(self, events: int) -> None:
        self.path = event_lines(events)
        self.db = scratch_dir("ingest-file") / "events.duckdb"

    def _ingest(self) -> None:
        self.db.unlink(missing_ok=True)
        self._run("ingest", str(self.path), "--db", str(self.db))

    def time_ingest_file(self, events: int) -> None:
        self._ingest()

    def peakmem_ingest_file(self, events: int) -> None:
        self._ingest()


@per_process
def events_database(events: int) -> Path:
    """A DuckDB file holding the batch's events, made once per benchmark process by this
    commit's store (its layout is the commit's own)."""
    path = scratch_dir("export-events") / "events.duckdb"
    with require("planalign_core.store", "Database")(path) as db:
        db.ingest_events(batch(events))
    return path


class ExportFile(_FileCommand):
    """``planalign export --table fct_yearly_events --out FILE.jsonl``, in-process: the events
    read from DuckDB, through the models (the form ``validate`` reads) and written, a batch
    at a time (1M events: 4.84G when the whole table was read at once, 1.44G, most of it the
    setup's ingest)."""

    def setup(self, events: int) -> None:
        self.database = events_database(events)
        self.out = scratch_dir("export-file") / "events.jsonl"

    def _export(self) -> None:
        argv = ["--db", str(self.database), "--table", "fct_yearly_events", "--out", str(self.out)]
        self._run("export", *argv)

    def time_export_file(self, events: int) -> None:
        self._export()

    def peakmem_export_file(self, events: int) -> None:
        self._export()
