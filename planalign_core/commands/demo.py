"""``planalign demo``: generate, validate and ingest a batch of events, and print the figures.

The schema's whole production path on a realistic batch: columnar generation, the batch
through Pydantic (JSON bytes -> models), models -> columnar rows, rows -> DuckDB.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil

from planalign_core.commands import COMMAND_HELP
from planalign_core.events import dump_json, events_to_frame, frame_to_events, validate_json
from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import Database

NAME = "demo"
HELP = COMMAND_HELP[NAME]
T = TypeVar("T")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=100_000, help="batch size")
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic events (default 0)"
    )
    parser.add_argument("--db", type=Path, default=Path("out/demo.duckdb"), help="DuckDB file")


def _timed(rows: list[tuple[str, float, int]], label: str, n: int, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = step()
    rows.append((label, time.perf_counter() - start, n))
    return result


def run(args: argparse.Namespace) -> int:
    n = int(args.events)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, float, int]] = []
    frame = _timed(rows, "generate (columnar)", n, lambda: synthetic_events(n, seed=args.seed))
    raw = dump_json(_timed(rows, "rows -> models", n, lambda: frame_to_events(frame)))
    models = _timed(rows, "validate JSON batch", n, lambda: validate_json(raw))
    rows_back = _timed(rows, "models -> rows", n, lambda: events_to_frame(models))
    with Database(args.db) as db:
        first = _timed(rows, "ingest into DuckDB", n, lambda: db.ingest_events(rows_back))
        again = _timed(rows, "ingest again (idempotent)", n, lambda: db.ingest_events(rows_back))
        stored = db.scalar("SELECT count(*) FROM fct_yearly_events")
    print(f"{'step':<28}{'seconds':>10}{'events/s':>14}")
    for label, seconds, count in rows:
        print(f"{label:<28}{seconds:>10.3f}{count / seconds if seconds else 0:>14,.0f}")
    print(
        f"\n{first.inserted} inserted, then {again.inserted} on the second ingest; "
        f"{stored} events stored in {args.db}; round trip identical: {rows_back.equals(frame)}; "
        f"RSS at the end {psutil.Process().memory_info().rss / 2**20:,.0f} MiB"
    )
    return 0 if rows_back.equals(frame) and again.inserted == 0 else 1
