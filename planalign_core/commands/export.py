"""``planalign export``: one table (or view) of a run to a file, filtered by scenario, year or
employee; the format by the file's suffix.

Events leave through the event models (:func:`frame_to_events`), so an exported events file is
exactly what ``validate`` and ``ingest`` accept (a hand ``COPY`` of the columnar table is not:
every payload's columns, nulls included, on every row). Other tables go out as their rows.
The file is written whole or not at all (a temporary name, then a rename).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import polars as pl

from planalign_core.commands import COMMAND_HELP
from planalign_core.errors import PlanalignError
from planalign_core.store import DEFAULT_DB_PATH, EVENTS_TABLE, Database
from planalign_core.store.keyed import is_storage

NAME = "export"
HELP = COMMAND_HELP[NAME]
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet"}
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
    with Database(args.db, read_only=True) as db:
        frame = _rows(db, args)
    data = _encode(frame, kind, events=args.table == EVENTS_TABLE)
    partial = args.out.with_name(f".{args.out.name}.{os.getpid()}.partial")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        partial.write_bytes(data)
        partial.replace(args.out)
    finally:
        partial.unlink(missing_ok=True)
    print(f"{frame.height} rows of {args.table} written to {args.out}")
    return 0


def _rows(db: Database, args: argparse.Namespace) -> pl.DataFrame:
    """The table's rows, filtered by parameters; the name is checked against the catalogue
    before it is quoted into the statement (an identifier cannot be a parameter)."""
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
    sql = f'SELECT * FROM "{args.table}"'
    sql += f" WHERE {' AND '.join(where)}" if where else ""
    sql += f" ORDER BY {', '.join(order)}" if order else ""
    return db.query(sql, values)


def _encode(frame: pl.DataFrame, kind: str, *, events: bool) -> bytes:
    if kind == "parquet":
        return _parquet(frame)
    if events:  # through the models: the exact form validate and ingest read
        from planalign_core.events import dump_json, dump_jsonl, frame_to_events  # noqa: PLC0415

        models = frame_to_events(frame)
        return dump_jsonl(models) if kind == "jsonl" else dump_json(models)
    text = frame.write_ndjson() if kind == "jsonl" else frame.write_json()
    return text.encode("utf-8")


def _parquet(frame: pl.DataFrame) -> bytes:
    import io  # noqa: PLC0415

    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()
