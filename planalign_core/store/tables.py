"""DuckDB table layouts derived from the Polars layouts (never typed twice)."""

from __future__ import annotations

import polars as pl

from planalign_core.events.columnar import EVENT_COLUMNS

EVENTS_TABLE = "fct_yearly_events"

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
