"""End to end: a run writes the money tables; ``planalign history`` and the point lookup read
them back (values cross-checked against the stored tables, errors named)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from planalign_core.cli import main
from planalign_core.errors import StoreError
from planalign_core.simulate import RunSpec, run
from planalign_core.store import Database
from planalign_core.store.lookup import balance_on

MONEY_TABLES = (
    "int_employee_contributions",
    "int_participant_balances",
    "fct_participant_balance_snapshots",
)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("money") / "run.duckdb"
    run(RunSpec(years=2, start_year=2025, seed=7, employees=300), db_path)
    return db_path


def test_every_money_table_is_written(stored: Path) -> None:
    with Database(stored) as db:
        for table in MONEY_TABLES:
            assert db.scalar(f"SELECT count(*) FROM {table}") > 0, table
        estimated, config = db.execute(
            "SELECT irs_limits_estimated, config_json FROM run_metadata"
        )[0]
    assert estimated is False  # 2024-2026 are published years
    assert '"limits"' in config


def test_lookup_returns_the_latest_row_on_or_before_the_date(stored: Path) -> None:
    with Database(stored) as db:
        employee, first, last = db.execute(
            "SELECT employee_id, min(snapshot_date), max(snapshot_date) "
            "FROM fct_participant_balance_snapshots GROUP BY employee_id "
            "ORDER BY count(*) DESC, employee_id LIMIT 1"
        )[0]
        assert balance_on(db, employee, first - dt.timedelta(days=1)) is None
        on_first = balance_on(db, employee, first)
        assert on_first is not None and on_first["snapshot_date"] == first
        saturday = first + dt.timedelta(days=1)
        assert balance_on(db, employee, saturday) == on_first
        latest = balance_on(db, employee, last + dt.timedelta(days=400))
        assert latest is not None and latest["snapshot_date"] == last
        assert balance_on(db, "nobody", last) is None


def test_lookup_without_the_table_names_it(tmp_path: Path) -> None:
    with Database(tmp_path / "empty.duckdb") as db, pytest.raises(StoreError, match="fct_partic"):
        balance_on(db, "E0000001", dt.date(2025, 1, 3))


def test_history_command_prints_the_state(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Database(stored) as db:
        employee, total = db.execute(
            "SELECT employee_id, total_balance FROM fct_participant_balance_snapshots "
            "WHERE snapshot_type = 'year_end' AND simulation_year = 2025 "
            "ORDER BY total_balance DESC LIMIT 1"
        )[0]
    code = main(
        [
            "history",
            "--employee",
            employee,
            "--as-of",
            "2025-12-31",
            "--db",
            str(stored),
            "--timeline",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"total_balance        {total}" in out
    assert "event_type=contribution" in out


def test_history_command_errors_are_named(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["history", "--employee", "nobody", "--as-of", "2025-06-01", "--db", str(stored)]) == 2
    )
    assert "'nobody' is not in scenario 'default'" in capsys.readouterr().err
    assert (
        main(
            [
                "history",
                "--employee",
                "E0000001",
                "--as-of",
                "2025-06-01",
                "--db",
                str(stored),
                "--scenario",
                "other",
            ]
        )
        == 2
    )
    assert "scenario 'other' is not in" in capsys.readouterr().err
    missing = stored.parent / "missing.duckdb"
    assert main(["history", "--employee", "E1", "--as-of", "2025-06-01", "--db", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_history_after_the_simulated_years_is_refused(
    stored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run covers 2025-2026: the last day answers, the next day is outside the run."""
    with Database(stored) as db:
        employee = db.scalar(
            "SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2026"
        )
    args = ["history", "--employee", employee, "--db", str(stored), "--as-of"]
    assert main([*args, "2026-12-31"]) == 0
    capsys.readouterr()
    assert main([*args, "2027-01-01"]) == 2
    err = capsys.readouterr().err
    assert "after the simulated years 2025-2026" in err
    assert "2026-12-31" in err


def test_history_reads_a_file_another_reader_holds(
    stored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It once opened the file for writing to read it: that fails beside another reader (and
    on read-only storage); a read-only open shares the file."""
    with Database(stored) as db:
        employee = db.scalar("SELECT min(employee_id) FROM fct_workforce_snapshot")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(stored)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="lock"):
            Database(stored)  # what history did before
        code = main(
            ["history", "--employee", employee, "--as-of", "2025-12-31", "--db", str(stored)]
        )
    finally:
        holder.kill()
        holder.wait()
    assert code == 0, capsys.readouterr().err
    assert "total_balance" in capsys.readouterr().out


HOLD_READ_ONLY = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
time.sleep(120)
"""
