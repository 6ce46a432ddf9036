"""``planalign simulate`` end to end: a real DuckDB file, re-runs, other scenarios, failures."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

import planalign_core.engines.polars_engine as engine
from planalign_core import __version__
from planalign_core.census import MAX_SYNTHETIC_EMPLOYEES
from planalign_core.cli import main
from planalign_core.config import config_hash, load_config
from planalign_core.engines.contract import Stage
from planalign_core.events.types import IDENTIFIER_MAX_LENGTH, MAX_YEAR
from planalign_core.run_inputs import MAX_YEARS
from planalign_core.store.keyed import Strings
from planalign_core.store.writer import ScenarioWriter

TABLES = (
    "int_baseline_workforce",
    "fct_yearly_events",
    "fct_workforce_snapshot",
    "int_deferral_rate_state_accumulator",
    "run_metadata",
)
ORDER = {
    "int_baseline_workforce": "employee_id",
    "fct_yearly_events": "event_id",
    "fct_workforce_snapshot": "simulation_year, employee_id",
    "int_deferral_rate_state_accumulator": "simulation_year, employee_id",
}


def simulate(db: Path, *extra: str, employees: int = 150, years: int = 2) -> int:
    args = ["simulate", "--db", str(db), "--years", str(years), "--quiet", *extra]
    if "--census" not in extra:
        args += ["--employees", str(employees)]
    return main(args)


def dump(db: Path, scenario: str | None = None) -> dict[str, pl.DataFrame]:
    """Every table's rows (of one scenario, or all), in a stable order, metadata excluded."""
    where = "" if scenario is None else "WHERE scenario_id = ?"
    params = [] if scenario is None else [scenario]
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: con.sql(
                f'SELECT * FROM "{table}" {where} ORDER BY scenario_id, {order}', params=params
            ).pl()
            for table, order in ORDER.items()
        }


def same(first: dict[str, pl.DataFrame], second: dict[str, pl.DataFrame]) -> bool:
    return all(first[t].equals(second[t]) for t in first)


def test_a_run_writes_every_table_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "run.duckdb"
    assert main(["simulate", "--db", str(db), "--employees", "200", "--years", "3"]) == 0
    out, err = capsys.readouterr()
    assert "participation" in out and "avg deferral" in out
    assert all(f" {year} " in out for year in (2025, 2026, 2027))
    assert "3/3 year 2027" in err  # the per-year progress bar
    with duckdb.connect(str(db), read_only=True) as con:
        names = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        assert set(TABLES) <= names
        years = con.execute(
            "SELECT DISTINCT simulation_year FROM fct_workforce_snapshot ORDER BY 1"
        ).fetchall()
        assert [y for (y,) in years] == [2025, 2026, 2027]
        meta = con.execute(
            "SELECT seed, config_hash, package_version, engine, peak_rss_bytes, timings, "
            "events_written FROM run_metadata"
        ).fetchall()
        events = con.execute("SELECT count(*) FROM fct_yearly_events").fetchall()[0][0]
    seed, digest, version, engine, rss, timings, written = meta[0]
    assert (seed, digest, version, engine) == (
        42,
        config_hash(load_config()),
        __version__,
        "polars",
    )
    assert rss > 10 * 2**20
    # every stage of every year, each engine's seconds as the contract names them
    stages = {f"{stage}_{year}" for stage in Stage for year in (2025, 2026, 2027)}
    assert stages | {"inputs", "write_busy"} <= set(json.loads(timings))
    assert written == events > 0


def test_double_run_has_zero_diff(tmp_path: Path) -> None:
    """Two runs of the same command into two files store identical rows."""
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert simulate(first, "--seed", "5") == 0
    assert simulate(second, "--seed", "5") == 0
    assert same(dump(first), dump(second))


def test_rerun_replaces_its_scenario_and_spares_the_others(tmp_path: Path) -> None:
    db = tmp_path / "run.duckdb"
    assert simulate(db, "--scenario", "other", "--seed", "1") == 0
    other_before = dump(db, "other")
    assert simulate(db, "--scenario", "main", "--seed", "2", employees=300) == 0
    assert simulate(db, "--scenario", "main", "--seed", "3", employees=100, years=1) == 0
    fresh = tmp_path / "fresh.duckdb"
    assert simulate(fresh, "--scenario", "main", "--seed", "3", employees=100, years=1) == 0
    assert same(dump(db, "main"), dump(fresh, "main"))  # nothing left of the first main run
    assert same(dump(db, "other"), other_before)
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT scenario_id, seed FROM run_metadata ORDER BY 1").fetchall()
    assert runs == [("main", 3), ("other", 1)]


def test_a_bad_census_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "run.duckdb"
    assert simulate(db, "--seed", "1") == 0
    before = dump(db)
    census = tmp_path / "census.csv"
    census.write_text(
        "employee_id,birth_date,hire_date,gross_compensation\n"
        "A,1980-01-01,2010-01-01,50000\n"
        "A,1980-01-01,1970-01-01,-3\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert simulate(db, "--census", str(census)) == 2
    err = capsys.readouterr().err
    assert "row 2 (employee_id 'A'): employee_id: is duplicated" in err
    assert "row 2 (employee_id 'A'): gross_compensation: -3 is negative" in err
    assert "row 2 (employee_id 'A'): hire_date: is not after birth_date" in err
    assert same(dump(db), before)


def test_a_failure_mid_run_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fourth year's workforce fails (it is computed alongside the third year's money)
    after two years were stored (every frame is inserted as it comes): the transaction rolls
    back everything."""
    db = tmp_path / "run.duckdb"
    assert simulate(db, "--seed", "1") == 0
    before = dump(db)
    real = engine.workforce_year
    stored: list[str] = []
    real_write = ScenarioWriter._write

    def recording_write(
        self: ScenarioWriter, table: str, frame: pl.DataFrame, strings: Strings | None
    ) -> None:
        real_write(self, table, frame, strings)
        stored.append(table)

    monkeypatch.setattr(ScenarioWriter, "_write", recording_write)

    def failing(*args: object, **kwargs: object) -> object:
        if args[3] == 2028:  # (state, config, keys, year)
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "workforce_year", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        simulate(db, "--seed", "2", years=4)
    # two years were in the file's transaction, each year's events in two inserts (its
    # workforce's, taken early, then its money's), and perhaps the third year's workforce's
    assert stored.count("fct_yearly_events") >= 4
    assert same(dump(db), before)


def test_a_failure_after_the_early_rows_were_stored_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first year's money fails once its workforce's events and snapshot are in the
    transaction (offered early, ``contract.EarlyRows``): they are rolled back with the rest."""
    db = tmp_path / "run.duckdb"
    assert simulate(db, "--seed", "1") == 0
    before = dump(db)
    stored: list[str] = []
    real_write = ScenarioWriter._write

    def recording_write(
        self: ScenarioWriter, table: str, frame: pl.DataFrame, strings: Strings | None
    ) -> None:
        real_write(self, table, frame, strings)
        stored.append(table)

    def failing(*args: object) -> object:
        deadline = time.monotonic() + 10
        while "fct_workforce_snapshot" not in stored and time.monotonic() < deadline:
            time.sleep(0.01)
        raise RuntimeError("money on fire")

    monkeypatch.setattr(ScenarioWriter, "_write", recording_write)
    monkeypatch.setattr(engine, "with_money", failing)
    with pytest.raises(RuntimeError, match="money on fire"):
        simulate(db, "--seed", "2")
    assert stored[:3] == ["int_baseline_workforce", "fct_yearly_events", "fct_workforce_snapshot"]
    assert same(dump(db), before)


def test_census_file_run(tmp_path: Path) -> None:
    census = tmp_path / "census.csv"
    census.write_text(
        "employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,"
        "employee_deferral_rate\n"
        + "".join(
            f"X{i},19{60 + i % 40}-03-0{1 + i % 9},2015-0{1 + i % 9}-15,"
            f"{40000 + 517 * i}.25,0.0{i % 8}\n"
            for i in range(60)
        ),
        encoding="utf-8",
    )
    db = tmp_path / "run.duckdb"
    assert simulate(db, "--census", str(census)) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM int_baseline_workforce").fetchall()[0][0]
        source = con.execute("SELECT census_source FROM run_metadata").fetchall()[0][0]
    assert rows == 60
    assert source == str(census)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--census", "x.csv", "--employees", "5"), "exclude each other"),
        (("--years", "0"), "--years"),
        (("--seed", "-1"), "--seed"),
        # an event's scenario_id holds 128 characters: a longer one would write events that
        # validate, ingest and export refuse
        (("--scenario", "s" * 129), "--scenario: 129 characters"),
        # an event's simulation_year ends at 2200: later years wrote events export refused
        (("--start-year", "2199", "--years", "3"), "the run would end in 2201, after 2200"),
        # the year before the first is read too (census date, look-back): an event's, from 1900
        (("--start-year", "1900"), "--start-year: must be in 1901..2200, got 1900"),
    ],
)
def test_bad_arguments_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    db = tmp_path / "run.duckdb"
    assert main(["simulate", "--db", str(db), "--quiet", *extra]) == 2
    assert message in capsys.readouterr().err
    assert not db.exists()


def test_the_help_names_each_range_the_run_holds(capsys: pytest.CaptureFixture[str]) -> None:
    """The ranges ``check_spec`` refuses outside of, read from the same constants."""
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps its lines
    assert f"years to simulate, 1..{MAX_YEARS} (default 5)" in shown
    assert f"the run ends by {MAX_YEAR}" in shown
    assert f"scenario id, 1-{IDENTIFIER_MAX_LENGTH} characters" in shown
    assert f"synthetic census size, 1..{MAX_SYNTHETIC_EMPLOYEES:,}" in shown


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[escalation]\ncap = 0.9\n", "escalation.cap"),
        (f'plan_design_id = "{"p" * 129}"\n', "plan_design_id: String should have at most 128"),
        # rules, "Bounds": doubling every year, the 401(a)(17) limit ($360,000 in 2026) passes
        # $100 million in 2035 (x 512 = $184,320,000): refused before any year is computed
        (
            "[limits]\nindex_rate = 1\n",
            "compensation_401a17 is projected to $184,320,000 in 2035, past the $99,999,999",
        ),
    ],
)
def test_bad_config_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, key: str
) -> None:
    config = tmp_path / "plan.toml"
    config.write_text(text, encoding="utf-8")
    assert simulate(tmp_path / "run.duckdb", "--config", str(config), years=11) == 2
    assert key in capsys.readouterr().err
    assert not (tmp_path / "run.duckdb").exists()


@pytest.mark.slow
def test_the_console_script_runs(tmp_path: Path) -> None:
    """The installed ``planalign`` entry point, as a user calls it."""
    db = tmp_path / "run.duckdb"
    done = subprocess.run(
        [
            Path(sys.executable).parent / "planalign",
            "simulate",
            "--employees",
            "100",
            "--years",
            "1",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "2025" in done.stdout
