"""Point lookup of a participant's balance on a date (rules, "Money tables"): its row of
``fct_participant_balance_snapshots`` with the latest ``snapshot_date`` on or before the date.

One parameterised query. The snapshot rows of a year are written in pieces of consecutive
employees, so DuckDB's per-row-group min/max statistics on ``employee_id`` skip almost every row
group of a large table: the lookup reads a few row groups, not the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planalign_core.errors import StoreError
from planalign_core.store.database import Database

SNAPSHOTS_TABLE = "fct_participant_balance_snapshots"
_LOOKUP = (
    f'SELECT * FROM "{SNAPSHOTS_TABLE}" '
    "WHERE scenario_id = ? AND employee_id = ? AND snapshot_date <= ? "
    "ORDER BY snapshot_date DESC LIMIT 1"
)


def balance_on(
    db: Database, employee_id: str, on: dt.date, scenario_id: str = "default"
) -> dict[str, Any] | None:
    """The participant's snapshot row in force on ``on`` (None before its first one)."""
    if not db.has_table(SNAPSHOTS_TABLE):
        raise StoreError(
            f"table {SNAPSHOTS_TABLE} does not exist in {db.path}: run 'planalign simulate' "
            "(without --no-weekly-snapshots) first"
        )
    cursor = db.connection.execute(_LOOKUP, [scenario_id, employee_id, on])
    row = cursor.fetchone()
    if row is None:
        return None
    names = [column[0] for column in cursor.description or ()]
    return dict(zip(names, row, strict=True))
