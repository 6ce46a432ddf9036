"""Reading a history from a run's DuckDB file: the run's configuration and years
(``run_metadata``), the participant's baseline row and events."""

from __future__ import annotations

import datetime as dt
import json

from planalign_core.config import Config
from planalign_core.errors import StoreError
from planalign_core.history.state import Run, State
from planalign_core.history.timeline import History
from planalign_core.store import Database


def read_run(db: Database, scenario_id: str) -> Run:
    """The run's configuration and years from ``run_metadata``."""
    if not db.has_table("run_metadata"):
        raise StoreError(f"table run_metadata does not exist in {db.path}: run a simulation first")
    rows = db.execute(
        "SELECT config_json, start_year, years FROM run_metadata WHERE scenario_id = ?",
        [scenario_id],
    )
    if not rows:
        raise StoreError(f"scenario {scenario_id!r} is not in {db.path}")
    config_text, start_year, years = rows[0]
    return Run(Config.model_validate(json.loads(config_text)), int(start_year), int(years))


def load_history(db: Database, employee_id: str, scenario_id: str = "default") -> History:
    """One participant's history from the database (parameterised queries only)."""
    run = read_run(db, scenario_id)
    baseline = db.query(
        "SELECT birth_date, hire_date, job_level, annual_compensation, deferral_rate, "
        "is_eligible FROM int_baseline_workforce "
        "WHERE scenario_id = ? AND employee_id = ? AND is_active",
        [scenario_id, employee_id],
    )
    events = db.read_events("WHERE scenario_id = ? AND employee_id = ?", [scenario_id, employee_id])
    if baseline.height == 0 and events.height == 0:
        raise StoreError(f"employee {employee_id!r} is not in scenario {scenario_id!r}")
    return History(
        employee_id, run, baseline.row(0, named=True) if baseline.height else None, events
    )


def state_as_of(
    db: Database, employee_id: str, as_of: dt.date, scenario_id: str = "default"
) -> State:
    """Rules, "History reconstruction": the participant's state at the end of ``as_of``."""
    return load_history(db, employee_id, scenario_id).state_as_of(as_of)
