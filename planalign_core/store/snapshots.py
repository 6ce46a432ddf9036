"""``fct_participant_balance_snapshots`` as stored: two compact tables and a view of the table's
name that expands the Fridays on read (rules, "Money tables").

- ``int_balance_snapshot_segments``: one row per pay segment holding a Friday, with what a
  Friday's row needs as integers (cents, basis units, day counts) and the segment's first
  Friday and number of Fridays; about 2 rows per participant-year instead of 52.
- ``int_balance_snapshot_closings``: the year-end and termination rows, in the table's layout.

The view computes a Friday's row from its segment and its index ``k`` (0 for the first): the
deferrals are one linear step from the segment's start (``rhu`` then the 402(g)/catch-up cap),
the employer money and the vested part switch on the day the year's employer money is credited
and on the service anniversary. Every number of the rules comes from the stored columns; the
Polars translation is ``planalign_core.engines.polars_engine.money.weekly.expand``, and the
tests hold the two equal row for row.
"""

from __future__ import annotations

import polars as pl

from planalign_core.errors import StoreError
from planalign_core.store.database import Database
from planalign_core.store.tables import CLOSINGS_TABLE, SEGMENTS_TABLE, SNAPSHOTS_VIEW

__all__ = [
    "CLOSINGS_TABLE",
    "SEGMENTS_TABLE",
    "SNAPSHOTS_VIEW",
    "create_snapshots_view",
    "view_sql",
    "weekly_frames",
]


def weekly_frames(
    segments: pl.DataFrame, closings: pl.DataFrame
) -> tuple[tuple[str, pl.DataFrame], ...]:
    """A year's compact weekly snapshots, named, in storage order (a run and a sweep alike)."""
    return ((SEGMENTS_TABLE, segments), (CLOSINGS_TABLE, closings))


def _money(cents: str) -> str:
    """Integer cents -> DECIMAL(18,2), exact (as the engines convert at their boundary)."""
    return f"CAST(CAST({cents} AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(18, 2))"


def _rate(units: str) -> str:
    """Integer basis units -> DECIMAL(5,4), exact."""
    return f"CAST(CAST({units} AS DECIMAL(18, 0)) * 0.0001 AS DECIMAL(5, 4))"


_VESTED_EMPLOYER = (
    "CASE WHEN credited AND after THEN vested_employer_11 WHEN credited THEN vested_employer_10 "
    "WHEN after THEN vested_employer_01 ELSE vested_employer_00 END"
)
# The table's columns, in order, as a Friday's row computes them.
_WEEKLY_COLUMNS = (
    "scenario_id",
    "plan_design_id",
    "employee_id",
    "simulation_year",
    "snapshot_date",
    "'weekly' AS snapshot_type",
    "'active' AS employment_status",
    f"{_rate('deferral_rate_units')} AS current_deferral_rate",
    f"{_money('ytd_deferrals')} AS ytd_deferrals",
    f"{_money('CASE WHEN credited THEN employer_flows ELSE 0 END')} AS ytd_employer_contributions",
    f"{_money('employee_balance')} AS employee_balance",
    f"{_money('employer_balance')} AS employer_balance",
    f"{_money('employee_balance + employer_balance')} AS total_balance",
    f"{_money(f'employee_balance + {_VESTED_EMPLOYER}')} AS vested_balance",
    f"{_rate('CASE WHEN after THEN vest_after_units ELSE vest_before_units END')} "
    "AS vested_percentage",
)


def view_sql(segments: str = SEGMENTS_TABLE, closings: str = CLOSINGS_TABLE) -> str:
    """``CREATE OR REPLACE VIEW fct_participant_balance_snapshots`` over the two tables."""
    return f"""CREATE OR REPLACE VIEW "{SNAPSHOTS_VIEW}" AS
WITH indexed AS (
    SELECT *, unnest(range(fridays)) AS k FROM "{segments}"
),
fridays AS (
    SELECT *, CAST(first_friday + CAST(7 * k AS INTEGER) AS DATE) AS snapshot_date FROM indexed
),
accrued AS (
    SELECT *,
        least(
            (deferral_units_start + deferral_rate_units
                * (least(plan_pay_first + plan_pay_step * k, plan_pay_cap) - capped_pay_start)
                + deferral_divisor // 2) // deferral_divisor,
            deferral_cap) AS ytd_deferrals,
        snapshot_date >= credited_from AS credited,
        snapshot_date >= vesting_from AS after
    FROM fridays
),
valued AS (
    SELECT *,
        employee_start + ytd_deferrals AS employee_balance,
        CASE WHEN credited THEN employer_after ELSE employer_before END AS employer_balance
    FROM accrued
)
SELECT {", ".join(_WEEKLY_COLUMNS)}
FROM valued
WHERE employee_balance + employer_balance > 0 OR deferral_rate_units > 0
UNION ALL
SELECT * FROM "{closings}"
"""


def create_snapshots_view(db: Database) -> None:
    """Create (or replace) the view in ``db``; a file written before the compact form holds a
    table of that name, which is refused, named (docs/troubleshooting.md)."""
    kind = db.scalar(
        "SELECT 'table' FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema() AND table_name = ?",
        [SNAPSHOTS_VIEW],
    )
    if kind is not None:
        raise StoreError(
            f"{SNAPSHOTS_VIEW} is a table in {db.path} (written by an older planalign); it is "
            "a view now: use a new file (--db), or DROP TABLE it first"
        )
    db.execute(view_sql(), catalog_only=True)
