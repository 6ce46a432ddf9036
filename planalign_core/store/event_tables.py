"""The events as stored: one table per payload family, and ``fct_yearly_events`` the view of their
union in the wide layout (docs/architecture.md, "Storage").

The wide layout has 43 columns, and a row fills the 9 of the envelope and 2 to 4 of its payload;
DuckDB appends, analyses and compresses every column of a row, null or not. Stored by family
(workforce, participation, money, compliance), a row has 15 to 20 columns: a 100k-employee
year's events inserted in 0.45 s of CPU against 0.74 s (docs/benchmarks.md, "Events stored by
family"). Readers see one layout, the view's; writers go through :func:`parts`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import polars as pl

from planalign_core.errors import StoreError
from planalign_core.events.columnar import EVENT_FAMILIES, FAMILY_COLUMNS
from planalign_core.store.tables import EVENT_COLUMN_TYPES, EVENTS_TABLE, create_table_sql


class Statements(Protocol):
    """What these functions need of a store: ``store.Database`` (no import of it here)."""

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> list[Any]: ...

    def scalar(self, sql: str, parameters: Sequence[Any] | None = None) -> Any: ...


FAMILY_TABLES: dict[str, str] = {family: f"int_events_{family}" for family in EVENT_FAMILIES}


def family_column_types(family: str) -> dict[str, str]:
    """The stored columns of one family's table, in the wide layout's order."""
    return {name: EVENT_COLUMN_TYPES[name] for name in FAMILY_COLUMNS[family]}


def view_sql() -> str:
    """``fct_yearly_events``: the family tables' union by name (a family's rows have the other
    families' payload columns null), its columns in the wide layout's order. DuckDB binds it in
    1.7 ms and a query of it in 2.4 ms; the same union written as 43 columns a family, typed
    nulls for the others', took 5.8 and 3.0 ms (docs/benchmarks.md, "Events stored by
    family")."""
    columns = ", ".join(f'"{name}"' for name in EVENT_COLUMN_TYPES)
    union = " UNION ALL BY NAME ".join(f'SELECT * FROM "{t}"' for t in FAMILY_TABLES.values())
    return f'CREATE OR REPLACE VIEW "{EVENTS_TABLE}" AS SELECT {columns} FROM ({union})'


def ensure(db: Statements) -> None:
    """The family tables and the view, made where missing (one catalog query when all are
    there). A file written before the events were stored by family holds a wide table of the
    view's name: its rows move to the family tables (in the caller's transaction, so a failed
    run leaves the file as it was)."""
    present = dict(
        db.execute(
            "SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = "
            "current_database() AND schema_name = current_schema() "
            "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = "
            "current_database() AND schema_name = current_schema()"
        )
    )
    if present.get(EVENTS_TABLE) == "view" and all(t in present for t in FAMILY_TABLES.values()):
        return
    for family, table in FAMILY_TABLES.items():
        db.execute(create_table_sql(table, family_column_types(family)))
    if present.get(EVENTS_TABLE) == "table":
        for family, table in FAMILY_TABLES.items():
            columns = ", ".join(f'"{name}"' for name in FAMILY_COLUMNS[family])
            db.execute(
                f'INSERT INTO "{table}" SELECT {columns} FROM "{EVENTS_TABLE}" '
                "WHERE list_contains(?, event_type)",
                [list(EVENT_FAMILIES[family])],
            )
        db.execute(f'DROP TABLE "{EVENTS_TABLE}"')
    db.execute(view_sql())


def parts(frame: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    """Each family's rows of a frame in the wide layout, with that family's columns only, and the
    table they go to, one family at a time (one narrow copy alive, not four); families without
    rows are left out. A row of no family is refused before any is given."""
    known = [event_type for types in EVENT_FAMILIES.values() for event_type in types]
    stray = frame.filter(~pl.col("event_type").is_in(known) | pl.col("event_type").is_null())
    if stray.height:
        raise StoreError(f"{EVENTS_TABLE}: event_type {stray['event_type'][0]!r} is no event type")
    for family, table in FAMILY_TABLES.items():
        columns = frame.select(FAMILY_COLUMNS[family])  # no copy: the frame's own columns
        part = columns.filter(pl.col("event_type").is_in(EVENT_FAMILIES[family]))
        if part.height:
            yield table, part


def delete_scenario(db: Statements, scenario_id: str) -> None:
    """Delete one scenario's events from every family table."""
    for table in FAMILY_TABLES.values():
        db.execute(f'DELETE FROM "{table}" WHERE scenario_id = ?', [scenario_id])
