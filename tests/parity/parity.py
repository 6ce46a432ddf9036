"""Run both engines on the same inputs and compare their tables row for row.

``polars_tables`` and ``dbt_tables`` return the output tables of a run by name; the
comparison ignores row order only: schemas must be equal (names and types), and every row must
be in both, value for value (nulls equal nulls). A difference is reported with the first
differing rows of each side, sorted by the table's key, so a failure says where the engines
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from planalign_core.config import Config
from planalign_core.engines import dbt_driver
from planalign_core.engines.dbt_inputs import RunParameters
from planalign_core.engines.polars_engine import RunKeys, run_years
from planalign_core.engines.polars_engine.money.weekly import expand_tables
from planalign_core.store.tables import YEAR_TABLES

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "int_baseline_workforce": ("employee_id",),
    "fct_yearly_events": ("employee_id", "simulation_year", "event_sequence"),
    "fct_workforce_snapshot": ("employee_id", "simulation_year"),
    "int_deferral_rate_state_accumulator": ("employee_id", "simulation_year"),
    "int_employee_contributions": ("employee_id", "simulation_year"),
    "int_participant_balances": ("employee_id", "simulation_year", "source"),
    "fct_participant_balance_snapshots": ("employee_id", "simulation_year", "snapshot_date"),
    "int_balance_snapshot_segments": ("employee_id", "simulation_year", "first_friday"),
    "int_balance_snapshot_closings": ("employee_id", "simulation_year", "snapshot_date"),
}
SHOWN_ROWS = 5


def polars_tables(census: pl.DataFrame, config: Config, keys: RunKeys) -> dict[str, pl.DataFrame]:
    run = run_years(census, config, keys)
    years = list(run.years)
    money = [y.result.money for y in years]
    assert all(m is not None for m in money)
    weekly = [y.weekly_tables() for y in years if y.weekly_tables is not None]
    return {
        "int_baseline_workforce": run.baseline,
        "fct_yearly_events": pl.concat([y.result.events for y in years]),
        "fct_workforce_snapshot": pl.concat([y.result.snapshot for y in years]),
        "int_deferral_rate_state_accumulator": pl.concat([y.accumulator for y in years]),
        "int_employee_contributions": pl.concat([m.contributions for m in money if m]),
        "int_participant_balances": pl.concat([m.balances for m in money if m]),
        "fct_participant_balance_snapshots": pl.concat([expand_tables(w) for w in weekly]),
        "int_balance_snapshot_segments": pl.concat([w.segments for w in weekly]),
        "int_balance_snapshot_closings": pl.concat([w.closings for w in weekly]),
    }


def dbt_tables(
    census: pl.DataFrame, config: Config, keys: RunKeys, *, tests: bool = False
) -> dict[str, pl.DataFrame]:
    run = RunParameters(
        keys.seed, keys.scenario_id, keys.plan_design_id, keys.start_year, keys.years
    )
    result = dbt_driver.run_years(census, config, run, tests=tests)
    years = list(result.years)
    if tests:  # `dbt test` ran the project's tests, not the models-only manifest of `dbt run`
        first, checked = result.timings.invocations[0], result.timings.invocations[-1]
        assert checked.args[0] == "test" and len(checked.node_seconds) > len(first.node_seconds)
    frames = {name: pl.concat([y.frames[name] for y in years]) for name in YEAR_TABLES}
    return {
        "int_baseline_workforce": result.baseline,
        **frames,
        "fct_participant_balance_snapshots": pl.concat(
            [y.weekly for y in years if y.weekly is not None]
        ),
        "int_balance_snapshot_segments": pl.concat(
            [y.weekly_tables.segments for y in years if y.weekly_tables is not None]
        ),
        "int_balance_snapshot_closings": pl.concat(
            [y.weekly_tables.closings for y in years if y.weekly_tables is not None]
        ),
    }


def _show(frame: pl.DataFrame, key: tuple[str, ...]) -> str:
    with pl.Config(tbl_cols=-1, tbl_width_chars=400, fmt_str_lengths=60, tbl_rows=SHOWN_ROWS):
        return str(frame.sort(list(key)).head(SHOWN_ROWS))


def table_difference(
    name: str,
    polars: pl.DataFrame,
    dbt: pl.DataFrame,
    key: tuple[str, ...],
    labels: tuple[str, str] = ("polars", "dbt"),
) -> str | None:
    """None when the tables hold the same rows; otherwise what differs, first rows shown
    (``labels`` name the two sides)."""
    left, right = labels
    if dict(polars.schema) != dict(dbt.schema):
        only_p = {c: str(t) for c, t in polars.schema.items() if dbt.schema.get(c) != t}
        only_d = {c: str(t) for c, t in dbt.schema.items() if polars.schema.get(c) != t}
        return f"{name}: schemas differ: {left} {only_p} vs {right} {only_d}"
    dbt = dbt.select(polars.columns)
    only_polars = polars.join(dbt, on=polars.columns, how="anti", nulls_equal=True)
    only_dbt = dbt.join(polars, on=polars.columns, how="anti", nulls_equal=True)
    if not only_polars.height and not only_dbt.height and polars.height == dbt.height:
        return None
    return (
        f"{name}: {polars.height} rows ({left}) vs {dbt.height} ({right}); "
        f"{only_polars.height} only in {left}, {only_dbt.height} only in {right}\n"
        f"first rows only in {left}:\n{_show(only_polars, key)}\n"
        f"first rows only in {right}:\n{_show(only_dbt, key)}"
    )


def differences(polars: Mapping[str, pl.DataFrame], dbt: Mapping[str, pl.DataFrame]) -> list[str]:
    """Every table that differs, described; empty when the runs are identical."""
    if set(polars) != set(dbt):
        return [f"tables differ: polars {sorted(polars)} vs dbt {sorted(dbt)}"]
    found = []
    for name in polars:
        problem = table_difference(name, polars[name], dbt[name], TABLE_KEYS[name])
        if problem:
            found.append(problem)
    return found


def assert_identical(polars: Mapping[str, pl.DataFrame], dbt: Mapping[str, pl.DataFrame]) -> None:
    problems = differences(polars, dbt)
    assert not problems, "the engines disagree:\n\n" + "\n\n".join(problems)
