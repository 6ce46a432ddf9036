"""``planalign export``: one table (or view) of a run to a file, filtered by scenario, year or
employee; the format by the file's suffix.

Events leave through the event models (:func:`frame_to_events`), so an exported events file is
exactly what ``validate`` and ``ingest`` accept (a hand ``COPY`` of the columnar table is not:
every payload's columns, nulls included, on every row). Other tables go out as their rows.
The file is written whole or not at all (a temporary name, then a rename), a batch of rows at
a time (``BATCH_ROWS``): a 100k x 5 run's 2.6M events once needed their models all at once.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from planalign_core.commands import COMMAND_HELP, counted
from planalign_core.errors import PlanalignError
from planalign_core.store import DEFAULT_DB_PATH, EVENTS_TABLE, Database
from planalign_core.store.keyed import is_storage
from planalign_core.store.settings import QUERY_BATCH_ROWS

NAME = "export"
HELP = COMMAND_HELP[NAME]
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet"}
BATCH_ROWS = QUERY_BATCH_ROWS  # rows read, converted and written at a time: one batch held
# DuckDB's memory for the export's ordered read; a larger table's sort spills to a private
# temporary folder (a 100k x 5 run's 22.9M weekly snapshot rows: 4.5 GB peak without it).
EXPORT_MEMORY_LIMIT = "1GB"
FILTERS = (("scenario", "scenario_id"), ("year", "simulation_year"), ("employee", "employee_id"))
ORDER = ("scenario_id", "simulation_year", "employee_id", "event_sequence", "snapshot_date")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB_PATH, help=f"DuckDB file (default {DEFAULT_DB_PATH})"
    )
    parser.add_argument("--table", required=True, help=f"table or view, e.g. {EVENTS_TABLE}")
    parser.add_argument("--scenario", default=None, help="only this scenario_id")
    parser.add_argument("--year", type=int, default=None, help="only this simulation_year")
    parser.add_argument("--employee", default=None, help="only this employee_id")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="file: .jsonl/.ndjson (JSON lines), .json (a JSON array) or .parquet",
    )


def run(args: argparse.Namespace) -> int:
    kind = FORMATS.get(args.out.suffix.lower())
    if kind is None:
        raise PlanalignError(
            f"--out {args.out}: unknown suffix {args.out.suffix!r}; use one of {', '.join(FORMATS)}"
        )
    if not args.db.exists():
        raise PlanalignError(f"--db: {args.db} does not exist (run 'planalign simulate' first)")
    if args.out.is_dir():
        raise PlanalignError(f"--out {args.out}: is a folder; name the file to write")
    partial = args.out.with_name(f".{args.out.name}.{os.getpid()}.partial")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="planalign-export-") as spill,
            Database(args.db, read_only=True, memory_limit=EXPORT_MEMORY_LIMIT) as db,
        ):
            db.execute("SET temp_directory = ?", [spill])
            frames = _batches(db, *_select(db, args))
            rows = _write(frames, kind, partial, events=args.table == EVENTS_TABLE)
        partial.replace(args.out)
    finally:
        partial.unlink(missing_ok=True)
    print(f"{counted(rows, 'row')} of {args.table} written to {args.out}")
    return 0


def _batches(
    db: Database, table: str, where: list[str], values: list[Any], order: list[str]
) -> Iterator[pl.DataFrame]:
    """The rows in ``order``, a batch at a time. A table of scenarios and years is read one
    (scenario, year) at a time, the leading keys of the order: each sort holds one year's rows,
    not the table's (a 100k x 5 run's events took 2 GB sorted whole)."""
    select = f'SELECT * FROM "{table}"' + (f" WHERE {' AND '.join(where)}" if where else "")
    if order[:2] == ['"scenario_id"', '"simulation_year"']:
        keys = db.execute(
            f"SELECT DISTINCT scenario_id, simulation_year FROM ({select}) ORDER BY ALL", values
        )
        for scenario, year in keys:
            sql = f"SELECT * FROM ({select}) WHERE scenario_id = ? AND simulation_year = ?"
            sql += f" ORDER BY {', '.join(order[2:])}" if order[2:] else ""
            yield from db.query_batches(sql, [*values, scenario, year], BATCH_ROWS)
        if keys:
            return
    # one query: a table without both keys, or no rows (an empty frame of its columns)
    sql = select + (f" ORDER BY {', '.join(order)}" if order else "")
    yield from db.query_batches(sql, values, BATCH_ROWS)


def _select(db: Database, args: argparse.Namespace) -> tuple[str, list[str], list[Any], list[str]]:
    """The table, its filters (values as parameters) and its order; the name is checked
    against the catalogue before it is quoted into a statement (an identifier cannot be a
    parameter)."""
    names = {name for (name,) in db.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND NOT internal"
    )}  # fmt: skip
    if args.table not in names:
        readable = sorted(name for name in names if not is_storage(name))
        raise PlanalignError(
            f"--table {args.table!r} is not in {args.db}; it holds: {', '.join(readable)}"
        )
    columns = db.query(f'SELECT * FROM "{args.table}" LIMIT 0').columns
    where, values = [], []
    for option, column in FILTERS:
        value = getattr(args, option)
        if value is None:
            continue
        if column not in columns:
            raise PlanalignError(f"--{option}: table {args.table} has no column {column}")
        where.append(f'"{column}" = ?')
        values.append(value)
    order = [f'"{c}"' for c in ORDER if c in columns]
    return args.table, where, values, order


def _write(frames: Iterator[pl.DataFrame], kind: str, path: Path, *, events: bool) -> int:
    """Write the batches to ``path`` as one file of ``kind``; the number of rows."""
    if kind == "parquet":
        return _write_parquet(frames, path)
    rows, first = 0, True
    with path.open("wb") as out:
        out.write(b"[" if kind == "json" else b"")
        for frame in frames:
            rows += frame.height
            data = _encode(frame, kind, events=events)
            if kind == "json":  # one array: each batch's items, without its brackets
                data = data.strip()[1:-1]
                if data:
                    data, first = (data if first else b"," + data), False
            out.write(data)
        out.write(b"]" if kind == "json" else b"")
    return rows


def _encode(frame: pl.DataFrame, kind: str, *, events: bool) -> bytes:
    if events:  # through the models: the exact form validate and ingest read
        from planalign_core.events import dump_json, dump_jsonl, frame_to_events  # noqa: PLC0415

        models = frame_to_events(frame)
        return dump_jsonl(models) if kind == "jsonl" else dump_json(models)
    text = frame.write_ndjson() if kind == "jsonl" else frame.write_json()
    return text.encode("utf-8")


def _write_parquet(frames: Iterator[pl.DataFrame], path: Path) -> int:
    """One Parquet file (zstd, as Polars writes), a row group or more per batch."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - only a Parquet export needs it

    rows, writer = 0, None
    try:
        for frame in frames:
            table = frame.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
            rows += frame.height
    finally:
        if writer is not None:
            writer.close()
    return rows
