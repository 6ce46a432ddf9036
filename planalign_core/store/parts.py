"""``fct_yearly_events`` stored in two parts, each with only its own columns (docs/architecture.md,
"The events stored in two parts").

A row carries its event type's payload columns and nulls in every other payload column. Stored
in one table of 43 columns, a 5k x 5 run's events were 129k rows of mostly nulls, and DuckDB
appends, analyses and compresses a null like any value: replayed into a new file, the run's
events took 193.5 ms of the writer's CPU, 145.7 ms stored in two tables of 28 and 24 columns
(docs/benchmarks.md). The writer is what a default run waits for once its first year is
computed. The two parts are the two stages of a year that make events (rules, "The simulation
year"): the workforce and participation decisions (:mod:`workforce`, :mod:`participation`)
and the money (:mod:`money`, :mod:`compliance`); each engine hands them over as two frames.
The view of the table's name puts them together again (``store/keyed.py``).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from types import ModuleType

import polars as pl

from planalign_core.errors import StoreError
from planalign_core.events import compliance, money, participation, workforce
from planalign_core.events.columnar import EVENT_COLUMNS, PAYLOAD_COLUMNS, PAYLOAD_COLUMNS_BY_TYPE
from planalign_core.events.envelope import PAYLOAD_TYPES
from planalign_core.store.tables import EVENTS_TABLE

PART_COLUMN = "event_type"


@dataclass(frozen=True)
class Part:
    """The rows of some event types, stored with the envelope and those types' payload columns."""

    name: str
    types: frozenset[str]
    columns: tuple[str, ...]  # in the table's (the view's) order

    def stores(self, column: str) -> bool:
        return column in self.columns


def _part(name: str, homes: tuple[ModuleType, ...]) -> Part:
    """The part of the event types whose payloads are declared in ``homes``."""
    modules = {home.__name__ for home in homes}
    types = frozenset(t.value for t, model in PAYLOAD_TYPES.items() if model.__module__ in modules)
    own = {column for t in types for column in PAYLOAD_COLUMNS_BY_TYPE[t]}
    columns = tuple(c for c in EVENT_COLUMNS if c not in PAYLOAD_COLUMNS or c in own)
    return Part(name, types, columns)


EVENT_PARTS = (
    _part("people", (workforce, participation)),
    _part("money", (money, compliance)),
)
PARTS: dict[str, tuple[Part, ...]] = {EVENTS_TABLE: EVENT_PARTS}
if any(not part.types for part in EVENT_PARTS) or sorted(
    t for part in EVENT_PARTS for t in part.types
) != sorted(PAYLOAD_COLUMNS_BY_TYPE):
    raise TypeError("every event type must be stored in exactly one part")


def split(table: str, frame: pl.DataFrame) -> list[tuple[Part, pl.DataFrame]]:
    """``frame``'s rows by part (a part without rows left out), each with the frame's columns
    that its part stores. A row of no part's type, or one with a value in a column its part
    does not store (it would be lost), is refused, named by its ``event_id``."""
    if PART_COLUMN not in frame.columns:
        raise StoreError(f"{table}: the write has no {PART_COLUMN} column; nothing was written")
    types = frame.get_column(PART_COLUMN)
    found: list[tuple[Part, pl.DataFrame]] = []
    for part in PARTS[table]:
        mine = _of_part(types, part)
        count = int(mine.sum())
        if count == 0:
            continue
        rows = frame if count == frame.height else frame.filter(mine)
        _refuse_foreign_values(table, part, rows)
        found.append((part, rows[[c for c in rows.columns if part.stores(c)]]))  # no query plan
    if sum(rows.height for _, rows in found) != frame.height:
        known = frozenset().union(*(part.types for part in PARTS[table]))
        stray = frame.filter(~types.is_in(known) | types.is_null()).row(0, named=True)
        raise StoreError(
            f"{table}: event {stray.get('event_id')}: {PART_COLUMN} {stray[PART_COLUMN]!r} is "
            f"not an event type ({', '.join(sorted(known))}); nothing was written"
        )
    return found


def _of_part(types: pl.Series, part: Part) -> pl.Series:
    """Whether each row's type is one of ``part``'s: one comparison a type, each a ``Series``
    kernel on the writer's thread (``is_in`` plans a query run on Polars' worker pool, which
    the next year's compute keeps busy: docs/benchmarks.md, "The writer's own checks")."""
    return functools.reduce(operator.or_, (types.eq(name) for name in sorted(part.types)))


def _refuse_foreign_values(table: str, part: Part, rows: pl.DataFrame) -> None:
    foreign = [c for c in rows.columns if not part.stores(c) and c in PAYLOAD_COLUMNS]
    # counted by the frame (a Polars constant, as an engine's all-null column is, stays one
    # value; ``get_column`` would write it out row by row and keep it with the frame: 29 MB
    # more for a 100k-employee year's people events)
    nulls = rows[foreign].null_count().row(0) if foreign else ()
    for column, count in zip(foreign, nulls, strict=True):
        if count == rows.height:
            continue
        series = rows.get_column(column)
        at = int(series.is_not_null().arg_true()[0])
        raise StoreError(
            f"{table}: event {rows.row(at, named=True).get('event_id')} "
            f"({rows[PART_COLUMN][at]}) has a value in {column!r}, a column of another event "
            "type's payload; nothing was written"
        )
