"""The names of the tables a run stores, once for the package (both engines, ``simulate``, the
lookup), and the DuckDB table layouts derived from the Polars layouts (never typed twice)."""

from __future__ import annotations

import polars as pl

from planalign_core.errors import StoreError
from planalign_core.events.columnar import EVENT_COLUMNS

BASELINE_TABLE = "int_baseline_workforce"
EVENTS_TABLE = "fct_yearly_events"
SNAPSHOT_TABLE = "fct_workforce_snapshot"
ACCUMULATOR_TABLE = "int_deferral_rate_state_accumulator"
CONTRIBUTIONS_TABLE = "int_employee_contributions"
BALANCES_TABLE = "int_participant_balances"
METADATA_TABLE = "run_metadata"
# The weekly balance snapshots: two compact tables and the view of the users' table name that
# expands them (``store/snapshots.py``).
SNAPSHOTS_VIEW = "fct_participant_balance_snapshots"
SEGMENTS_TABLE = "int_balance_snapshot_segments"
CLOSINGS_TABLE = "int_balance_snapshot_closings"
# The groups both engines and the stores name a run's tables by (one list, never retyped): a
# year's tables in the order every store writes them (the money tables last), the weekly
# snapshots' compact tables, and every table of one run as ``planalign simulate`` stores it.
YEAR_TABLES = (EVENTS_TABLE, SNAPSHOT_TABLE, ACCUMULATOR_TABLE, CONTRIBUTIONS_TABLE, BALANCES_TABLE)
WEEKLY_SNAPSHOT_TABLES = (SEGMENTS_TABLE, CLOSINGS_TABLE)
RUN_TABLES = (BASELINE_TABLE, *YEAR_TABLES, *WEEKLY_SNAPSHOT_TABLES, METADATA_TABLE)

_SIMPLE_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Date: "DATE",
    pl.Boolean: "BOOLEAN",
    pl.Int8: "TINYINT",
    pl.Int16: "SMALLINT",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.UInt8: "UTINYINT",
    pl.UInt16: "USMALLINT",
    pl.UInt32: "UINTEGER",
    pl.UInt64: "UBIGINT",
    pl.Datetime: "TIMESTAMP",
}


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB type that stores a Polars type exactly."""
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.List):
        inner = dtype.inner if isinstance(dtype.inner, pl.DataType) else dtype.inner()
        return f"{duckdb_type(inner)}[]"
    for polars_type, sql_type in _SIMPLE_TYPES.items():
        if isinstance(dtype, polars_type):
            return sql_type
    raise TypeError(f"no DuckDB type for {dtype}")


# event ids are stored as DuckDB UUIDs (16 bytes, fast to compare) and read back as text.
EVENT_COLUMN_TYPES: dict[str, str] = {
    name: "UUID" if name == "event_id" else duckdb_type(dtype)
    for name, dtype in EVENT_COLUMNS.items()
}


def create_table_sql(table: str, column_types: dict[str, str]) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for a layout (identifiers quoted, no values)."""
    columns = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in column_types.items())
    return f'CREATE TABLE IF NOT EXISTS "{table}" (\n  {columns}\n)'


def check_layout(table: str, wanted: dict[str, str], present: dict[str, str]) -> None:
    """A stored table's columns hold every wanted one with its type; the first that does not is
    refused, named (the rows stay as they are)."""
    for name, sql_type in wanted.items():
        if name not in present:
            raise StoreError(f"{table}: column {name!r} is missing from the stored table")
        if present[name] != sql_type:
            raise StoreError(
                f"{table}: column {name!r} is {present[name]} in the file, {sql_type} here"
            )
