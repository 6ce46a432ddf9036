"""Point lookup of a participant's balance on a date (rules, "Money tables"): its row of
``fct_participant_balance_snapshots`` with the latest ``snapshot_date`` on or before the date.

Parameterised queries over the view (``store/snapshots.py``), which DuckDB narrows to the
participant before expanding any Friday: the compact tables are written a year at a time in
employee order, so the min/max statistics of ``simulation_year`` and ``employee_id`` skip
almost every row group. The date's own year is asked first (where the answer nearly always
is); only when the participant has no row in it on or before the date are earlier years read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from planalign_core.errors import StoreError
from planalign_core.store.database import Database
from planalign_core.store.tables import SNAPSHOTS_VIEW

_LOOKUP = (
    f'SELECT * FROM "{SNAPSHOTS_VIEW}" '
    "WHERE scenario_id = ? AND employee_id = ? AND snapshot_date <= ? AND simulation_year {year} "
    "ORDER BY snapshot_date DESC LIMIT 1"
)
_IN_YEAR = _LOOKUP.format(year="= ?")
_BEFORE_YEAR = _LOOKUP.format(year="< ?")


def balance_on(
    db: Database, employee_id: str, on: dt.date, scenario_id: str = "default"
) -> dict[str, Any] | None:
    """The participant's snapshot row in force on ``on`` (None before its first one)."""
    for sql in (_IN_YEAR, _BEFORE_YEAR):
        try:  # (a missing view is the exception, not a catalog query per lookup)
            cursor = db.connection.execute(sql, [scenario_id, employee_id, on, on.year])
        except duckdb.CatalogException:
            raise StoreError(
                f"table {SNAPSHOTS_VIEW} does not exist in {db.path}: run 'planalign simulate' "
                "(without --no-weekly-snapshots) first"
            ) from None
        row = cursor.fetchone()
        if row is not None:
            names = [column[0] for column in cursor.description or ()]
            return dict(zip(names, row, strict=True))
    return None
