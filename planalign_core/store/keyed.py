"""A run's constant columns stored once, as a key (docs/architecture.md, "A run's constants
stored as a key").

Every row of a run's tables repeats the run's ``plan_design_id`` (an event also its
``source_system``) beside its ``scenario_id``, and DuckDB converts, analyses and compresses
them row by row like any text: dropped, the three took a tenth off a 100k x 5 run
(docs/benchmarks.md, "The run's constants stored as a key"). So each table of
:data:`KEYED_TABLES` is stored as ``<name>__rows``, with an integer ``run_key`` in place of
:data:`KEYED_COLUMNS`; :data:`KEYS_TABLE` holds each key's strings, and ``<name>`` is a view
that names them with a ``CASE`` on the key. ``scenario_id`` stays a stored column: every
reader filters on it, and the file's min/max statistics skip the other scenarios' rows. A
view of one ``UNION ALL`` branch per key, the strings as literals, was as fast for one
scenario, but DuckDB binds every branch of every query: with 30 scenarios in a file a point
lookup took 13.9 ms against 5.2 ms. A view's text takes no parameters, so the strings are
quoted into it (:func:`sql_literal`); every other value goes as a parameter. The events are
stored in two parts (``store/parts.py``): two rows tables, one ``UNION ALL`` branch each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from planalign_core.errors import StoreError
from planalign_core.store.parts import PARTS, Part, split
from planalign_core.store.tables import (
    BASELINE_TABLE,
    EVENT_COLUMN_TYPES,
    EVENTS_TABLE,
    WEEKLY_SNAPSHOT_TABLES,
    YEAR_TABLES,
    check_layout,
    create_table_sql,
    duckdb_type,
)

RUN_KEY = "run_key"
KEYED_COLUMNS = ("plan_design_id", "source_system")
KEYS_TABLE = "planalign_run_keys"
ROWS_SUFFIX = "__rows"
KEYED_TABLES = frozenset((BASELINE_TABLE, *YEAR_TABLES, *WEEKLY_SNAPSHOT_TABLES))

Strings = tuple[str | None, ...]  # a key's strings, in KEYED_COLUMNS order (None: not a column)


@dataclass
class Snapshot:
    """The file's relations and keys as this transaction has them: read once (two queries),
    then kept up to date by this module. A catalog query costs 2-5 ms and a run's first write
    of each table made five of them."""

    relations: dict[str, tuple[bool, dict[str, str]]]  # name -> (a table, not a view; columns)
    keys: dict[Strings, int]
    made: set[str] = field(default_factory=set)  # rows tables made in this transaction


class Database(Protocol):
    """What this module asks of ``store.Database`` (which imports it)."""

    path: str
    keyed: Snapshot | None  # None until this transaction's first keyed write

    @property
    def execute(self) -> Callable[..., list[Any]]: ...
    @property
    def scalar(self) -> Callable[..., Any]: ...
    @property
    def over_frame(self) -> Callable[..., list[Any]]: ...


def rows_table(table: str) -> str:
    """Where ``table``'s rows are stored, behind the view of its name."""
    return table + ROWS_SUFFIX


def stores_of(table: str) -> tuple[tuple[str, frozenset[str] | None], ...]:
    """Each table ``table``'s rows are stored in, with the columns it holds (``None``: all).
    A table of ``store/parts.py`` is stored in one rows table a part."""
    if table not in PARTS:
        return ((rows_table(table), None),)
    return tuple((_part_rows(table, part), frozenset(part.columns)) for part in PARTS[table])


def split_rows(table: str, frame: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    """``frame``'s rows by the rows table they are stored in, each with the columns it holds."""
    if table not in PARTS:
        return [(rows_table(table), frame)]
    return [(_part_rows(table, part), rows) for part, rows in split(table, frame)]


def _part_rows(table: str, part: Part) -> str:
    return rows_table(f"{table}__{part.name}")


def is_storage(name: str) -> bool:
    """A table behind the views (rows or keys), not one a user reads."""
    return name == KEYS_TABLE or name.endswith(ROWS_SUFFIX)


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (quotes doubled): for a view's text only."""
    return "'" + text.replace("'", "''") + "'"


def layout(table: str, schema: pl.Schema) -> dict[str, str]:
    """The table's columns as its users see them (the view's), in order, with their types."""
    if table == EVENTS_TABLE:
        return dict(EVENT_COLUMN_TYPES)
    return {name: duckdb_type(dtype) for name, dtype in schema.items()}


def strings_of(table: str, frame: pl.DataFrame) -> Strings:
    """The frame's one value of each keyed column it has; a second value is refused, named.

    One query for all of them: an engine's keyed columns are Polars constants, which a query
    reads as one value, while ``get_column`` would write one out for every row and keep it
    with the frame (80 MB a column for a 1M-employee year's events). A run's writer asks on
    the engine's thread, as it submits the frame (``store/writer.py``)."""
    present = [name for name in KEYED_COLUMNS if name in frame.columns]
    if not present:  # a table without them: every row under one key
        return (None,) * len(KEYED_COLUMNS)
    found = frame.select(
        *(pl.col(name).first().alias(f"first {name}") for name in present),
        *(pl.col(name).eq_missing(pl.col(name).first()).all().alias(name) for name in present),
    ).row(0)
    values = dict(zip(present, found[: len(present)], strict=True))
    for name, alike in zip(present, found[len(present) :], strict=True):
        if not alike:
            raise StoreError(
                f"{table}: one write holds more than one {name} (first {values[name]!r})"
            )
        if values[name] is None:
            raise StoreError(f"{table}: {name} is missing (null) in the write")
    return tuple(values.get(name) for name in KEYED_COLUMNS)


def strings_to_key(table: str, frame: pl.DataFrame) -> Strings | None:
    """What a write of ``frame`` into ``table`` is keyed by (:func:`strings_of`), or None where
    :func:`write` keys nothing: a table not keyed, or a frame without rows."""
    if table not in KEYED_TABLES or frame.height == 0:
        return None
    return strings_of(table, frame)


_CATALOG = (
    "SELECT c.table_name, c.column_name, c.data_type, t.table_name IS NOT NULL "
    "FROM duckdb_columns() AS c LEFT JOIN duckdb_tables() AS t "
    "USING (database_name, schema_name, table_name) "
    "WHERE c.database_name = current_database() AND c.schema_name = current_schema() "
    "ORDER BY c.table_name, c.column_index"
)


def snapshot(db: Database) -> Snapshot:
    """This transaction's :class:`Snapshot` (read now if it is the first keyed write)."""
    if db.keyed is None:
        relations: dict[str, tuple[bool, dict[str, str]]] = {}
        for name, column, sql_type, is_table in db.execute(_CATALOG):
            relations.setdefault(name, (bool(is_table), {}))[1][column] = sql_type
        keys: dict[Strings, int] = {}
        if KEYS_TABLE in relations:
            keys = {
                tuple(strings): key for key, *strings in db.execute(f"SELECT * FROM {KEYS_TABLE}")
            }
        db.keyed = Snapshot(relations, keys)
    return db.keyed


def key_for(db: Database, strings: Strings) -> tuple[int, bool]:
    """The key of ``strings`` (made if new) and whether it was made now."""
    known = snapshot(db).keys
    if strings in known:
        return known[strings], False
    key = max(known.values(), default=0) + 1
    marks = ", ".join("?" * (1 + len(KEYED_COLUMNS)))
    db.execute(f"INSERT INTO {KEYS_TABLE} VALUES ({marks})", [key, *strings], catalog_only=True)
    known[strings] = key
    return key, True


def ensure_layout(db: Database, table: str, schema: pl.Schema) -> None:
    """The keys table and ``table``'s rows tables: made, or their columns checked. A file
    written before this layout holds a table of the view's name, or the events in one rows
    table: refused, named."""
    relations = snapshot(db).relations
    layouts = (table, rows_table(table)) if table in PARTS else (table,)
    older = next((name for name in layouts if relations.get(name, (False, {}))[0]), None)
    if older is not None:
        raise StoreError(
            f"{older} is a table in {db.path} (written by an older planalign); {table}'s rows "
            f"are stored in {', '.join(rows for rows, _ in stores_of(table))} behind a view of "
            f"its name now: use a new file (--db), or DROP TABLE it first "
            "(docs/troubleshooting.md)"
        )
    if KEYS_TABLE not in relations:
        columns = {RUN_KEY: "INTEGER", **dict.fromkeys(KEYED_COLUMNS, "VARCHAR")}
        db.execute(create_table_sql(KEYS_TABLE, columns), catalog_only=True)
        relations[KEYS_TABLE] = (True, columns)
    wanted = {n: t for n, t in layout(table, schema).items() if n not in KEYED_COLUMNS}
    for rows, held in stores_of(table):
        columns = {RUN_KEY: "INTEGER", **{n: t for n, t in wanted.items() if _holds(held, n)}}
        if rows not in relations:
            db.execute(create_table_sql(rows, columns), catalog_only=True)
            relations[rows] = (True, columns)
            snapshot(db).made.add(rows)
            continue
        check_layout(table, columns, relations[rows][1])


def _holds(held: frozenset[str] | None, column: str) -> bool:
    return held is None or column in held


def refresh_view(db: Database, table: str, schema: pl.Schema) -> None:
    """``table``'s view: its columns in ``schema``'s order, each keyed one named by the key, a
    column a rows table does not hold null; one ``UNION ALL`` branch a rows table."""
    keys = sorted(snapshot(db).keys.items(), key=lambda item: item[1])
    columns = layout(table, schema)
    named_by_key: dict[str, str] = {}
    for at, name in enumerate(KEYED_COLUMNS):
        named = [(key, text) for strings, key in keys if (text := strings[at]) is not None]
        whens = " ".join(f"WHEN {key} THEN {sql_literal(text)}" for key, text in named)
        value = f"CASE r.{RUN_KEY} {whens} END" if named else "NULL"
        named_by_key[name] = f'CAST({value} AS VARCHAR) AS "{name}"'
    branches = []
    for rows, held in stores_of(table):
        picked = []
        for name, sql_type in columns.items():
            if name in named_by_key:
                picked.append(named_by_key[name])
            elif _holds(held, name):
                picked.append(f'r."{name}"')
            else:
                picked.append(f'CAST(NULL AS {sql_type}) AS "{name}"')
        branches.append(f'SELECT {", ".join(picked)} FROM "{rows}" AS r')
    db.execute(
        f'CREATE OR REPLACE VIEW "{table}" AS {" UNION ALL ".join(branches)}', catalog_only=True
    )
    snapshot(db).relations[table] = (False, dict.fromkeys(columns, ""))


def delete_scenario(db: Database, table: str, scenario_id: str) -> None:
    """The scenario's rows of ``table`` deleted (none in a rows table made in this transaction)."""
    for rows, _ in stores_of(table):
        if rows not in snapshot(db).made:
            db.execute(f'DELETE FROM "{rows}" WHERE scenario_id = ?', [scenario_id])


def insert(db: Database, table: str, frame: pl.DataFrame, key: int) -> None:
    """``frame``'s rows under ``key``; its keyed columns stay out of the insert."""
    rest = frame[[name for name in frame.columns if name not in KEYED_COLUMNS]]  # (no query)
    for rows, part in split_rows(table, rest):
        db.over_frame(
            part,
            f'INSERT INTO "{rows}" BY NAME SELECT ? AS {RUN_KEY}, * FROM {{frame}}',
            frame_only=True,
            parameters=[key],
        )


def write(
    db: Database, table: str, frame: pl.DataFrame, *, first: bool, strings: Strings | None = None
) -> None:
    """A run's write of ``frame`` into ``table`` (the first of the run refreshes the view).
    ``strings``: the frame's :func:`strings_of`, if its caller has them already."""
    if frame.height == 0:
        if first:
            refresh_view(db, table, frame.schema)
        return
    key, made = key_for(db, strings_of(table, frame) if strings is None else strings)
    if first or made:
        refresh_view(db, table, frame.schema)
    insert(db, table, frame, key)
