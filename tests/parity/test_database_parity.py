"""Parity of whole databases: ``planalign simulate`` with each engine writes the same rows into
DuckDB (every table but run_metadata), and a failed dbt run leaves the file as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from planalign_core import simulate
from planalign_core.engines import dbt_driver
from planalign_core.run_report import RunReport
from planalign_core.simulate import RunSpec
from planalign_core.store.keyed import is_storage
from tests.parity.parity import TABLE_KEYS, differences

METADATA = "run_metadata"


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as connection:
        names = [row[0] for row in connection.execute("SHOW TABLES").fetchall()]
        return {
            name: connection.sql(f'SELECT * FROM "{name}"').pl()
            for name in names
            if name != METADATA and not is_storage(name)  # the views over them are compared
        }


def _run(engine: str, path: Path, config: Path | None = None) -> RunReport:
    spec = RunSpec(
        years=2,
        start_year=2026,
        seed=99,
        scenario_id="db-parity",
        employees=80,
        config_path=config,
        engine=engine,
    )
    return simulate.run(spec, path)


def test_databases_are_identical(tmp_path: Path) -> None:
    config = tmp_path / "plan.toml"
    config.write_text(
        'growth_rate = 0.08\n[eligibility]\nrule = "immediate"\n'
        "[enrollment.auto]\nopt_out_rate = 0.5\n[escalation]\ndelay_years = 2\n"
    )
    _run("polars", tmp_path / "polars.duckdb", config)
    report = _run("dbt", tmp_path / "dbt.duckdb", config)
    polars, dbt = _tables(tmp_path / "polars.duckdb"), _tables(tmp_path / "dbt.duckdb")
    assert set(polars) == set(dbt)
    assert set(polars) == set(TABLE_KEYS)
    problems = differences(polars, dbt)
    assert not problems, "\n\n".join(problems)
    assert report.timings["dbt_run_2026_wall_seconds"] >= report.timings["dbt_run_2026_sql_seconds"]
    with duckdb.connect(str(tmp_path / "dbt.duckdb"), read_only=True) as connection:
        engine, timings = connection.execute(f"SELECT engine, timings FROM {METADATA}").fetchall()[
            0
        ]
    assert engine == "dbt" and "dbt_run_2027_overhead_seconds" in timings


def test_a_failed_dbt_run_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One scenario stored, then a dbt run of the same scenario fails in its second year:
    every table still holds exactly what it held."""
    path = tmp_path / "store.duckdb"
    _run("polars", path)
    before = _tables(path)
    project = tmp_path / "project"
    shutil.copytree(
        dbt_driver.project_dir(), project, ignore=shutil.ignore_patterns("target", "logs")
    )
    broken = project / "models/marts/int_balance_snapshot_closings.sql"
    text = broken.read_text()
    # An extra column in the second year only: the contract refuses it.
    extra = "as employment_status{% if year == 2027 %}, 1 as extra{% endif %}"
    broken.write_text(text.replace("as employment_status", extra))
    monkeypatch.setenv(dbt_driver.PROJECT_ENV, str(project))
    monkeypatch.setenv(dbt_driver.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(dbt_driver.DbtEngineError, match="int_balance_snapshot_closings"):
        _run("dbt", path)
    after = _tables(path)
    assert set(after) == set(before)
    for name, frame in before.items():
        assert after[name].equals(frame), name
