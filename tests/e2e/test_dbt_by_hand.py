"""The README's hand recipe (``planalign dbt-inputs``, then one plain ``dbt run`` per year) writes
the same tables as ``planalign simulate --engine dbt`` for the same inputs, and leaves a file that
``planalign history`` and the balance lookup read.

The dbt command line runs as a user runs it, on a copy of the project (its own ``target/``, so
the partial-parse file of a concurrent run is never shared).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from planalign_core.history import state_as_of
from planalign_core.store import Database
from planalign_core.store.keyed import is_storage
from planalign_core.store.lookup import balance_on
from tests.parity.parity import TABLE_KEYS, table_difference
from tests.regression.digests import VOLATILE

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN = ("--census", "examples/census.csv", "--config", "examples/plan.toml", "--years", "2")
RUN += ("--start-year", "2025", "--seed", "11", "--scenario", "by-hand")
DBT = ("--project-dir", "dbt", "--profiles-dir", "dbt")
# Measured by the process that ran the build: null in a hand-built file (dbt_inputs.UNMEASURED).
UNMEASURED = ("wall_seconds", "timings", "peak_rss_bytes")

pytestmark = pytest.mark.slow


def _run(folder: Path, *command: str, database: Path | None = None) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    if database is not None:
        env["PLANALIGN_DBT_DATABASE"] = str(database)
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=folder, env=env, capture_output=True,
        text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _dbt_run(cwd: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``dbt run ARGS`` on ``database``, whatever its outcome."""
    env = {**os.environ, "PLANALIGN_DBT_DATABASE": str(database)}
    return subprocess.run(
        [str(BIN / "dbt"), "run", *args], cwd=cwd, env=env,
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(folder, hand-built file, simulated file) of the same run."""
    folder = tmp_path_factory.mktemp("by-hand")
    shutil.copytree(REPO / "examples", folder / "examples")
    ignore = shutil.ignore_patterns("target", "logs", ".user.yml")
    shutil.copytree(REPO / "dbt", folder / "dbt", ignore=ignore)
    hand, simulated = folder / "hand.duckdb", folder / "simulated.duckdb"
    _run(folder, "planalign", "dbt-inputs", "--db", str(hand), *RUN)
    _run(folder, "dbt", "run", *DBT, database=hand)
    _run(folder, "dbt", "run", *DBT, "--select", "tag:year_loop", database=hand)
    _run(folder, "planalign", "simulate", "--engine", "dbt", "--db", str(simulated), *RUN)
    return folder, hand, simulated


def _relations(path: Path) -> dict[str, pl.DataFrame]:
    """Every table and view of the main schema, by name."""
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "SELECT DISTINCT table_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
        return {
            name: connection.sql(f'SELECT * FROM "{name}"').pl()
            for (name,) in names
            if not is_storage(name)  # the rows behind simulate's views: the views are compared
        }


def test_the_hand_build_holds_every_table_simulate_writes_row_for_row(
    built: tuple[Path, Path, Path],
) -> None:
    _, hand, simulated = built
    by_hand, by_simulate = _relations(hand), _relations(simulated)
    missing = set(by_simulate) - set(by_hand)
    assert not missing, f"the hand build lacks {sorted(missing)}"
    assert set(by_simulate) == {*TABLE_KEYS, "run_metadata"}
    sides = ("simulate", "by hand")
    found = (
        table_difference(name, by_simulate[name], by_hand[name], key, sides)
        for name, key in TABLE_KEYS.items()
    )
    problems = [problem for problem in found if problem]
    assert not problems, "\n\n".join(problems)
    assert by_hand["fct_yearly_events"].height > 0


def test_the_hand_build_records_its_run_metadata_honestly(
    built: tuple[Path, Path, Path],
) -> None:
    """The run's keys, configuration and event count as simulate records them; what no process
    measured (wall time, timings, peak memory) is null, not made up."""
    _, hand, simulated = built
    by_hand, by_simulate = _relations(hand)["run_metadata"], _relations(simulated)["run_metadata"]
    assert by_hand.height == 1
    assert by_hand.schema == by_simulate.schema
    kept = [c for c in by_simulate.columns if c not in VOLATILE]
    assert by_hand.select(kept).equals(by_simulate.select(kept)), (by_hand, by_simulate)
    assert by_hand.row(0, named=True)["engine"] == "dbt"
    assert by_hand.select(UNMEASURED).null_count().row(0) == (1, 1, 1)
    assert by_hand["started_at"][0] <= by_simulate["started_at"][0]  # inputs came first


def test_history_and_the_balance_lookup_read_the_hand_built_file(
    built: tuple[Path, Path, Path],
) -> None:
    folder, hand, simulated = built
    on = dt.date(2026, 6, 30)
    with Database(hand, read_only=True) as a, Database(simulated, read_only=True) as b:
        employee = a.scalar(
            "SELECT min(employee_id) FROM fct_participant_balance_snapshots "
            "WHERE simulation_year = 2026 AND snapshot_date <= ?",
            [on],
        )
        assert employee is not None
        assert state_as_of(a, employee, on, "by-hand") == state_as_of(b, employee, on, "by-hand")
        assert balance_on(a, employee, on, "by-hand") == balance_on(b, employee, on, "by-hand")
    shown = _run(
        folder, "planalign", "history", "--employee", employee, "--as-of", "2026-06-30",
        "--scenario", "by-hand", "--db", str(hand),
    )  # fmt: skip
    assert f"employee_id          {employee}" in shown


def test_a_plain_run_past_the_last_year_is_refused_naming_the_way_out(
    built: tuple[Path, Path, Path],
) -> None:
    folder, hand, _ = built
    env = {**os.environ, "PLANALIGN_DBT_DATABASE": str(hand)}
    done = subprocess.run(
        [str(BIN / "dbt"), "run", *DBT, "--select", "tag:year_loop"], cwd=folder, env=env,
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode != 0
    assert "every year of the run (2025-2026) is built" in done.stdout
    assert "simulation_year" in done.stdout


def test_new_inputs_over_a_built_run_are_refused(built: tuple[Path, Path, Path]) -> None:
    folder, hand, _ = built
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(BIN / "planalign"), "dbt-inputs", "--db", str(hand), *RUN], cwd=folder, env=env,
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "already holds a built run" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def hand_copy(built: tuple[Path, Path, Path], tmp_path: Path) -> Path:
    """A copy of the hand-built file, for a test that changes it."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built[1], copy)
    return copy


def test_a_changed_model_fails_its_append_naming_the_columns_and_appends_nothing(
    built: tuple[Path, Path, Path], hand_copy: Path, tmp_path: Path
) -> None:
    """year_append (dbt/macros/materializations/year_append.sql) keeps on_schema_change: fail."""
    changed = hand_copy
    project = tmp_path / "dbt"
    shutil.copytree(built[0] / "dbt", project, ignore=shutil.ignore_patterns("target", "logs"))
    model = project / "models/intermediate/year_loop/int_participant_balances.sql"
    model.write_text(  # a column added and a column's type changed
        "select * replace (cast(employee_id as blob) as employee_id), 1 as surplus from (\n"
        + model.read_text()
        + "\n)\n"
    )
    table = "int_participant_balances"
    count = f"SELECT simulation_year, count(*) FROM {table} GROUP BY ALL ORDER BY ALL"
    with duckdb.connect(str(changed), read_only=True) as connection:
        before = connection.execute(count).fetchall()
    dbt = ("--project-dir", str(project), "--profiles-dir", str(project))
    done = _dbt_run(tmp_path, changed, *dbt, "--select", table, "--vars", "{simulation_year: 2026}")
    assert done.returncode != 0
    assert "columns differ from the table's" in done.stdout
    assert "surplus model INTEGER, table absent" in done.stdout
    assert "employee_id model BLOB, table VARCHAR" in done.stdout
    with duckdb.connect(str(changed), read_only=True) as connection:
        assert connection.execute(count).fetchall() == before
    assert len(before) == 2  # both years were there, and still are


def test_a_rebuilt_view_replaces_a_view_or_a_table_of_its_name(
    built: tuple[Path, Path, Path], hand_copy: Path
) -> None:
    """replace_view (dbt/macros/materializations/replace_view.sql): one statement a view."""
    copy = hand_copy
    census, types = "stg_planalign__census", "stg_planalign__event_types"
    with duckdb.connect(str(copy)) as connection:
        rows = connection.execute(f"SELECT * FROM {types} ORDER BY ALL").fetchall()
        connection.execute(f"DROP VIEW {types}")
        connection.execute(f"CREATE TABLE {types} AS SELECT 1 AS stale")  # an older build's
    done = _dbt_run(
        built[0], copy, *DBT, "--select", census, types, "--vars", "{simulation_year: 2025}"
    )
    assert done.returncode == 0, done.stdout
    with duckdb.connect(str(copy), read_only=True) as connection:
        kinds = dict(
            connection.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                f"WHERE table_name IN ('{census}', '{types}')"
            ).fetchall()
        )
        assert kinds == {census: "VIEW", types: "VIEW"}
        assert connection.execute(f"SELECT * FROM {types} ORDER BY ALL").fetchall() == rows
