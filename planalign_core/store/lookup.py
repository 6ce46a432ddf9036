"""Point lookup of a participant's balance on a date (rules, "Money tables"): its row of
``fct_participant_balance_snapshots`` with the latest ``snapshot_date`` on or before the date.

One parameterised query over the view (``store/snapshots.py``), which DuckDB narrows to the
participant before expanding any Friday: the compact tables are written a year at a time in
employee order, so the min/max statistics of ``employee_id`` skip all but about one row group a
year, and those of ``simulation_year`` the years after the date. The query's cost is DuckDB
binding and planning the view (about 5 ms), not reading: asking the date's own year first and
the earlier years only when it had no row made a participant without one (not yet enrolled, or
a date before the year's first Friday) pay for two queries, 10 ms at 100k x 5 against 5-6 ms for
one query of every year up to the date, while a participant found in the first cost 5 ms
(``bench_money.BalanceLookup``, 28 November).
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
    "WHERE scenario_id = ? AND employee_id = ? AND snapshot_date <= ? AND simulation_year <= ? "
    "ORDER BY snapshot_date DESC LIMIT 1"
)


def balance_on(
    db: Database, employee_id: str, on: dt.date, scenario_id: str = "default"
) -> dict[str, Any] | None:
    """The participant's snapshot row in force on ``on`` (None before its first one)."""
    try:  # (a missing view is the exception, not a catalog query per lookup)
        cursor = db.connection.execute(_LOOKUP, [scenario_id, employee_id, on, on.year])
    except duckdb.CatalogException:
        raise StoreError(
            f"table {SNAPSHOTS_VIEW} does not exist in {db.path}: run 'planalign simulate' "
            "(without --no-weekly-snapshots) first"
        ) from None
    row = cursor.fetchone()
    if row is None:
        return None
    names = [column[0] for column in cursor.description or ()]
    return dict(zip(names, row, strict=True))
