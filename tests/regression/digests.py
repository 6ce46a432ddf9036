"""Order-independent digests of every table a ``planalign simulate`` run stores.

A table's digest is its column names and types, its row count and the MD5 of its rows' MD5s
(each row as DuckDB's text of the row), sorted: equal digests mean the same rows, in any order.
``run_metadata`` is digested without what changes from run to run (timings, clock, versions).
Run as a script it prints the digests of fresh runs (how ``digests_before.json`` was made).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from planalign_core.simulate import RunSpec, run

SEEDS = (7, 42, 20251)
SIZES = (300, 2000)
YEARS = 3
START_YEAR = 2025
# run_metadata columns that differ between two runs of the same inputs
VOLATILE = (
    "started_at",
    "wall_seconds",
    "timings",
    "peak_rss_bytes",
    "package_version",
    "polars_version",
    "duckdb_version",
)


def relation_names(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the file's main schema, by name."""
    rows = connection.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def table_digest(connection: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """Columns with types, row count and the order-independent digest of ``name``'s rows."""
    columns = connection.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    kept = [c for c, _ in columns if name != "run_metadata" or c not in VOLATILE]
    row = ", ".join(f'"{c}"' for c in kept)
    count, digest = connection.execute(
        f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM "
        f'(SELECT md5(CAST(ROW({row}) AS VARCHAR)) AS h FROM "{name}")'
    ).fetchone() or (0, "")
    return {"columns": [f"{c} {t}" for c, t in columns if c in kept], "rows": count, "md5": digest}


def run_digests(employees: int, seed: int) -> dict[str, dict[str, Any]]:
    """Digests of the relations a default run of ``employees`` x ``YEARS`` stores (new
    compact tables are left out by the caller's choice of names)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.duckdb"
        run(RunSpec(years=YEARS, start_year=START_YEAR, seed=seed, employees=employees), path)
        with duckdb.connect(str(path), read_only=True) as connection:
            return {n: table_digest(connection, n) for n in relation_names(connection)}


def all_digests() -> dict[str, dict[str, dict[str, Any]]]:
    return {f"{e}x{YEARS}/seed{s}": run_digests(e, s) for e in SIZES for s in SEEDS}


if __name__ == "__main__":
    json.dump(all_digests(), sys.stdout, indent=1, sort_keys=True)
    print()
