"""Running one hand-computed participant through the whole pipeline: a census CSV, a TOML
configuration, ``simulate.run`` into a DuckDB file, then the stored tables read back.

The base configuration switches every random decision off (no hires, no terminations, no merit,
no promotion, no voluntary enrolment) so that the only inputs are the census row and the case's
own overrides; the two cases that need a drawn date (a termination, a hire) say which draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from planalign_core.config import deep_merge
from planalign_core.simulate import RunSpec, run
from planalign_core.store import Database

SEED = 42
SCENARIO = "golden"
START_YEAR = 2025


def one_level(pay_min: int, pay_max: int) -> list[dict[str, Any]]:
    """The golden cases' one job level, paying ``pay_min``..``pay_max``: no promotion, no merit
    raise, no termination adjustment, census and hire weight 1."""
    return [
        {
            "level": 1,
            "pay_min": pay_min,
            "pay_max": pay_max,
            "merit_rate": 0,
            "promotion_rate": 0,
            "termination_adjustment": 0,
            "hire_weight": 1,
            "census_weight": 1,
            "census_age_min": 18,
            "census_age_max": 80,
            "census_max_tenure": 60,
        }
    ]


BASE: dict[str, Any] = {
    "growth_rate": -1,  # target headcount 0: no hire ever
    "levels": one_level(1, 10_000_000),
    "terminations": {
        "tenure_bands": [{"min_tenure": 0, "rate": 0}],
        "new_hire_rate": 0,
        "retirement_age": 150,
        "retirement_rate": 0,
    },
    "compensation": {"cola_rate": 0, "merit_spread": 0, "promotion_raise": 0},
    "eligibility": {"rule": "immediate"},
    "enrollment": {
        "auto": {"enabled": False},
        "voluntary": {
            "age_bands": [{"min_age": 0, "rate": 0}],
            "pay_bands": [{"min_pay": 0, "adjustment": 0}],
        },
    },
    "escalation": {"enabled": False},
    "investment": {"return_rate": 0},
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def to_toml(data: dict[str, Any]) -> str:
    """A small TOML writer for nested tables of scalars and arrays (all the cases need)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            for sub in to_toml(value).splitlines():
                lines.append(f"{key}.{sub}" if not sub.startswith("[") else sub)
    return "\n".join(lines) + "\n"


@dataclass
class Case:
    """A finished run of one case, with its tables."""

    db_path: Path

    def query(self, sql: str, parameters: list[Any] | None = None) -> pl.DataFrame:
        with Database(self.db_path) as db:
            return db.query(sql, parameters)

    def contributions(self, employee_id: str, year: int) -> dict[str, Any]:
        rows = self.query(
            "SELECT * FROM int_employee_contributions "
            "WHERE employee_id = ? AND simulation_year = ?",
            [employee_id, year],
        )
        assert rows.height == 1
        return rows.row(0, named=True)

    def balances(self, employee_id: str, year: int) -> dict[str, dict[str, Any]]:
        rows = self.query(
            "SELECT * FROM int_participant_balances WHERE employee_id = ? AND simulation_year = ?",
            [employee_id, year],
        )
        return {row["source"]: row for row in rows.iter_rows(named=True)}

    def money_events(self, employee_id: str) -> list[tuple[Any, ...]]:
        """(year, sequence, date, type, source/limit, amount) of the money events, in order."""
        rows = self.query(
            "SELECT simulation_year, event_sequence, effective_date, event_type, "
            "coalesce(contribution_source, forfeiture_source, limit_type) AS what, "
            "coalesce(amount, current_amount) AS amount FROM fct_yearly_events "
            "WHERE employee_id = ? AND event_type IN "
            "('contribution', 'forfeiture', 'compliance', 'vesting', 'hce_status') "
            "ORDER BY simulation_year, event_sequence",
            [employee_id],
        )
        return [tuple(r) for r in rows.iter_rows()]

    def events(self, employee_id: str, event_type: str) -> list[dict[str, Any]]:
        rows = self.query(
            "SELECT * FROM fct_yearly_events WHERE employee_id = ? AND event_type = ? "
            "ORDER BY simulation_year, event_sequence",
            [employee_id, event_type],
        )
        return rows.to_dicts()

    def snapshot(self, employee_id: str, day: dt.date) -> dict[str, Any]:
        rows = self.query(
            "SELECT * FROM fct_participant_balance_snapshots "
            "WHERE employee_id = ? AND snapshot_date = ?",
            [employee_id, day],
        )
        assert rows.height == 1, f"no snapshot of {employee_id} on {day}"
        return rows.row(0, named=True)


def run_case(
    tmp_path: Path, census: list[dict[str, Any]], overrides: dict[str, Any], years: int
) -> Case:
    """Write the census and the configuration, simulate, return the stored tables."""
    columns = list(census[0])
    text = ",".join(columns) + "\n"
    text += "".join(",".join(str(row[c]) for c in columns) + "\n" for row in census)
    census_path = tmp_path / "census.csv"
    census_path.write_text(text)
    config_path = tmp_path / "config.toml"
    config_path.write_text(to_toml(deep_merge(BASE, overrides)))
    db_path = tmp_path / "golden.duckdb"
    spec = RunSpec(
        years=years,
        start_year=START_YEAR,
        seed=SEED,
        scenario_id=SCENARIO,
        census_path=census_path,
        config_path=config_path,
    )
    run(spec, db_path)
    return Case(db_path)


def d(text: str) -> Decimal:
    return Decimal(text)
