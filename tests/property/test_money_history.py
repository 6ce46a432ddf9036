"""History reconstruction (rules, "History reconstruction"): rebuilt from the stored events
alone (plus the baseline row and the run's configuration), every participant's state equals the
engine's tables at every year end or termination date, and on its weekly snapshot dates."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings

from planalign_core.history import History, read_run
from planalign_core.simulate import RunSpec, run
from planalign_core.store import Database
from tests.golden.golden import to_toml
from tests.property.money_strategies import money_scenarios
from tests.property.sim_strategies import Scenario

CENTS = 100
EMPLOYER = ("employer_match", "true_up", "non_elective")


def _stored(scenario: Scenario, folder: Path) -> dict[str, pl.DataFrame]:
    config_path = folder / "config.toml"
    config_path.write_text(to_toml(json.loads(scenario.overrides_json)))
    spec = RunSpec(
        years=scenario.years,
        start_year=scenario.start_year,
        seed=scenario.seed,
        scenario_id=scenario.scenario_id,
        employees=scenario.employees,
        config_path=config_path,
    )
    db_path = folder / "run.duckdb"
    run(spec, db_path)
    with Database(db_path) as db:
        tables = {
            name: db.query(f"SELECT * FROM {name}")
            for name in (
                "int_baseline_workforce",
                "fct_workforce_snapshot",
                "int_deferral_rate_state_accumulator",
                "int_participant_balances",
                "int_employee_contributions",
                "fct_participant_balance_snapshots",
            )
        }
        tables["events"] = db.read_events()
        tables["run"] = pl.DataFrame(
            {"run": [read_run(db, scenario.scenario_id)]}, schema={"run": pl.Object}
        )
    return tables


def _cents(value: object) -> int:
    return int(value * CENTS)  # type: ignore[operator]


@settings(max_examples=8)
@given(money_scenarios(max_employees=80))
def test_history_equals_the_tables_at_every_year_end(scenario: Scenario) -> None:
    """For every employee and year: level and pay (workforce snapshot), deferral rate
    (accumulator), balances by source and vested balance (int_participant_balances), HCE status
    (int_employee_contributions) and the closing snapshot row, from the events alone."""
    with tempfile.TemporaryDirectory() as folder:
        t = _stored(scenario, Path(folder))
    stored_run = t["run"]["run"][0]
    baseline = {r["employee_id"]: r for r in t["int_baseline_workforce"].to_dicts()}
    events = t["events"].partition_by("employee_id", as_dict=True)
    rates = {
        (r["employee_id"], r["simulation_year"]): r["current_deferral_rate"]
        for r in t["int_deferral_rate_state_accumulator"].to_dicts()
    }
    balances: dict[tuple[str, int], dict[str, dict[str, object]]] = {}
    for r in t["int_participant_balances"].to_dicts():
        balances.setdefault((r["employee_id"], r["simulation_year"]), {})[r["source"]] = r
    hce = {
        (r["employee_id"], r["simulation_year"]): r["is_hce"]
        for r in t["int_employee_contributions"].to_dicts()
    }
    closing = {
        (r["employee_id"], r["simulation_year"]): r
        for r in t["fct_participant_balance_snapshots"]
        .filter(pl.col("snapshot_type") != "weekly")
        .to_dicts()
    }
    checked = 0
    for snap in t["fct_workforce_snapshot"].to_dicts():
        employee, year = snap["employee_id"], snap["simulation_year"]
        frame = events.get((employee,), t["events"].clear())
        history = History(employee, stored_run, baseline.get(employee), frame)
        day = snap["termination_date"] or dt.date(year, 12, 31)
        state = history.state_as_of(day)
        assert state.status == snap["employment_status"], (employee, year)
        assert state.job_level == snap["job_level"], (employee, year)
        assert state.compensation == _cents(snap["annual_compensation"]), (employee, year)
        assert state.deferral_rate == int(rates[employee, year] * 10_000), (employee, year)
        assert state.is_hce == hce[employee, year], (employee, year)
        rows = balances.get((employee, year), {})
        for source, amount in state.balances.items():
            stored = rows.get(source)
            assert amount == (_cents(stored["ending_balance"]) if stored else 0), (
                employee,
                year,
                source,
            )
        vested = sum(_cents(r["vested_balance"]) for r in rows.values())
        assert state.vested_balance == vested, (employee, year)
        if (employee, year) in closing:
            row = closing[employee, year]
            assert state.total_balance == _cents(row["total_balance"])
            assert state.vested_percentage == int(row["vested_percentage"] * 10_000)
        checked += 1
    assert checked == t["fct_workforce_snapshot"].height


@settings(max_examples=5)
@given(money_scenarios(max_employees=40, max_years=2))
def test_history_equals_every_weekly_snapshot(scenario: Scenario) -> None:
    """On every snapshot date of every participant: the daily deferral accrual, the employer
    money credited on the contribution date, the balances and the vested balance."""
    with tempfile.TemporaryDirectory() as folder:
        t = _stored(scenario, Path(folder))
    stored_run = t["run"]["run"][0]
    baseline = {r["employee_id"]: r for r in t["int_baseline_workforce"].to_dicts()}
    events = t["events"].partition_by("employee_id", as_dict=True)
    histories: dict[str, History] = {}
    for row in t["fct_participant_balance_snapshots"].to_dicts():
        employee = row["employee_id"]
        if employee not in histories:
            frame = events.get((employee,), t["events"].clear())
            histories[employee] = History(employee, stored_run, baseline.get(employee), frame)
        state = histories[employee].state_as_of(row["snapshot_date"])
        where = (employee, row["snapshot_date"])
        assert state.total_balance == _cents(row["total_balance"]), where
        assert state.employee_balance == _cents(row["employee_balance"]), where
        assert state.vested_balance == _cents(row["vested_balance"]), where
        assert state.vested_percentage == int(row["vested_percentage"] * 10_000), where
        # every row, the year end and the termination date included (it once said 0 there)
        assert state.ytd_deferrals == _cents(row["ytd_deferrals"]), where
        assert state.deferral_rate == int(row["current_deferral_rate"] * 10_000), where
