"""The weekly balance snapshots as stored (``planalign_core.store.snapshots``): two compact
tables and the view ``fct_participant_balance_snapshots`` that expands the Fridays on read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings

from planalign_core.engines.contract import WeeklyTables
from planalign_core.engines.polars_engine.money.weekly import expand_tables
from planalign_core.errors import StoreError
from planalign_core.simulate import RunSpec, run
from planalign_core.store import Database
from planalign_core.store.lookup import balance_on
from planalign_core.store.snapshots import (
    CLOSINGS_TABLE,
    SEGMENTS_TABLE,
    SNAPSHOTS_VIEW,
    create_snapshots_view,
)
from tests.property.money_strategies import money_run, money_scenarios
from tests.property.sim_strategies import Scenario


def _through_view(tables: list[WeeklyTables]) -> pl.DataFrame:
    with Database(":memory:") as db, db.transaction():
        for weekly in tables:
            for name, frame in (
                (SEGMENTS_TABLE, weekly.segments),
                (CLOSINGS_TABLE, weekly.closings),
            ):
                if db.has_table(name):
                    db.append(name, frame)
                else:
                    db.replace_scenario_rows(name, frame, frame["scenario_id"][0])
        create_snapshots_view(db)
        return db.query(f'SELECT * FROM "{SNAPSHOTS_VIEW}"')


def _same_rows(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert left.schema == right.schema
    order = ["employee_id", "simulation_year", "snapshot_date", "snapshot_type"]
    assert left.sort(order).equals(right.sort(order))


@settings(max_examples=15)
@given(money_scenarios())
def test_the_view_is_the_expansion(scenario: Scenario) -> None:
    """On random configurations, the stored view gives exactly the rows of the Polars
    expansion of the same compact tables (which equal the rows computed before the compact
    form: tests/regression)."""
    years = money_run(scenario).run.years
    tables = [y.weekly_tables() for y in years if y.weekly_tables is not None]
    if not sum(t.segments.height + t.closings.height for t in tables):
        return
    _same_rows(_through_view(tables), pl.concat([expand_tables(t) for t in tables]))


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshots") / "run.duckdb"
    run(RunSpec(years=3, start_year=2025, seed=11, employees=400), path)
    return path


def test_the_compact_tables_are_much_smaller_than_the_view(stored: Path) -> None:
    """About one segment per participant-year replaces its ~50 Fridays."""
    with Database(stored) as db:
        segments = db.scalar(f'SELECT count(*) FROM "{SEGMENTS_TABLE}"')
        fridays = db.scalar(
            f"SELECT count(*) FROM \"{SNAPSHOTS_VIEW}\" WHERE snapshot_type = 'weekly'"
        )
        assert db.columns(SNAPSHOTS_VIEW)["total_balance"] == "DECIMAL(18,2)"
    assert 0 < segments * 10 < fridays


def test_the_lookup_reads_the_view(stored: Path) -> None:
    """balance_on returns the row with the latest snapshot date on or before the date (the
    same row a scan of all the rows picks), and None before the first one; on New Year's Day
    of the next year too, whose row is the year before's unless the day is a Friday."""
    with Database(stored) as db:
        rows = db.query(f'SELECT * FROM "{SNAPSHOTS_VIEW}"')
        for employee in rows["employee_id"].unique().sort().gather_every(37):
            mine = rows.filter(pl.col("employee_id") == employee).sort("snapshot_date")
            first = mine["snapshot_date"][0]
            assert balance_on(db, employee, first - dt.timedelta(days=1)) is None
            for on in (first + dt.timedelta(days=200), dt.date(first.year + 1, 1, 1)):
                expected = mine.filter(pl.col("snapshot_date") <= on).tail(1).to_dicts()[0]
                assert balance_on(db, employee, on) == expected


def test_a_query_over_all_snapshots(stored: Path) -> None:
    """Aggregates over the whole view are those of its rows read out (the expansion is exact
    and complete: counts by type, sums of every money column)."""
    money = ["ytd_deferrals", "employee_balance", "employer_balance", "vested_balance"]
    with Database(stored) as db:
        rows = db.query(f'SELECT * FROM "{SNAPSHOTS_VIEW}"')
        summed = db.query(
            f"SELECT snapshot_type, count(*) AS n, {', '.join(f'sum({c}) AS {c}' for c in money)} "
            f'FROM "{SNAPSHOTS_VIEW}" GROUP BY ALL ORDER BY snapshot_type'
        )
    expected = (
        rows.group_by("snapshot_type")
        .agg(pl.len().cast(pl.Int64).alias("n"), *[pl.col(c).sum() for c in money])
        .sort("snapshot_type")
    )
    assert summed.cast(expected.schema).equals(expected)
    assert set(summed["snapshot_type"]) == {"weekly", "year_end", "termination"}


@pytest.mark.parametrize("years", [1, 3])
def test_a_stored_table_of_the_view_name_is_refused(tmp_path: Path, years: int) -> None:
    """A file written before the compact form holds a table of that name: the run names it
    and writes nothing, whether the view is made after the last year or, on the writer's
    thread, while later years are computed."""
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(f'CREATE TABLE "{SNAPSHOTS_VIEW}" (x INTEGER)')
    with pytest.raises(StoreError, match="older planalign"):
        run(RunSpec(years=years, start_year=2025, seed=1, employees=50), path)
    with duckdb.connect(str(path)) as connection:
        names = {
            n for (n,) in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
    assert names == {SNAPSHOTS_VIEW}
