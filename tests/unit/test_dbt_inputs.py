"""The SQL engine's inputs: every configuration number reaches the database in integer units,
from the package's effective configuration, and nothing else is invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from planalign_core import rng
from planalign_core.config import load_config
from planalign_core.engines import dbt_inputs
from planalign_core.engines.dbt_inputs import RunParameters, input_tables, write_inputs
from planalign_core.events.columnar import EVENT_TYPE_CODES
from planalign_core.rules import bounds
from planalign_core.store import Database


def _scalars(
    overrides: dict[str, object] | None = None,
) -> dict[str, tuple[int | None, str | None]]:
    frame = dbt_inputs.config_scalars(load_config(overrides=overrides))
    return {key: (number, text) for key, number, text in frame.iter_rows()}


def test_rates_are_basis_units_and_month_days_are_mmdd() -> None:
    """0.03 -> 300 units, "04-01" -> 401, booleans 0/1, text keys as text."""
    scalars = _scalars(
        {
            "growth_rate": 0.0325,
            "compensation": {"merit_date": "12-31"},
            "escalation": {"enabled": False},
            "eligibility": {"rule": "waiting_period"},
        }
    )
    assert scalars["growth_rate"] == (325, None)
    assert scalars["compensation.merit_date"] == (1231, "12-31")
    assert scalars["escalation.enabled"] == (0, "false")
    assert scalars["eligibility.rule"] == (None, "waiting_period")
    assert scalars["terminations.retirement_age"][0] == 65


@given(st.integers(-10_000, 50_000))
def test_any_growth_rate_survives_exactly(units: int) -> None:
    """Whatever the rate, the table holds exactly its units (no float on the way)."""
    rate = Decimal(units).scaleb(-4)
    assert _scalars({"growth_rate": str(rate)})["growth_rate"] == (units, None)


def test_every_scalar_key_is_written_once() -> None:
    frame = dbt_inputs.config_scalars(load_config())
    assert frame["key"].n_unique() == frame.height
    assert {"escalation.cap", "enrollment.auto.opt_out_window_days", "plan_design_id"} <= set(
        frame["key"]
    )


def test_arrays_keep_their_order_and_units() -> None:
    config = load_config()
    arrays = dbt_inputs.config_arrays(config)
    rates = arrays["config_deferral_rates"]
    assert rates["entry"].to_list() == list(range(1, rates.height + 1))
    assert rates["rate"].to_list() == [
        int(c.rate * 10_000) for c in config.enrollment.voluntary.deferral_rates
    ]
    assert rates["weight"].sum() == rng.RATE_SCALE
    levels = arrays["config_levels"]
    assert levels["pay_min"].to_list() == [lv.pay_min for lv in config.levels]
    bands = arrays["config_tenure_bands"]
    assert bands["min_tenure"][0] == 0


def test_a_decimal_that_is_not_a_rate_is_refused() -> None:
    """A future money key in decimal dollars must get a deliberate SQL form, not units."""
    with pytest.raises(TypeError, match="not a rate"):
        dbt_inputs._sql_value("x.amount", Decimal("1.50"), FieldInfo(annotation=Decimal))


def test_constants_come_from_the_package() -> None:
    row = dbt_inputs.rng_constants().row(0, named=True)
    assert row["mix_multiplier_1"] == rng.MIX_MULTIPLIER_1
    assert row["mix_multiplier_2"] == rng.MIX_MULTIPLIER_2
    assert row["mask32"] == rng.MASK32
    assert row["rate_scale"] == rng.RATE_SCALE
    assert row["max_pay_cents"] == bounds.MAX_PAY_CENTS
    types = dbt_inputs.event_types()
    assert dict(zip(types["event_type"], types["type_code"], strict=True)) == EVENT_TYPE_CODES


def test_run_parameters_carry_the_scenario_key() -> None:
    run = RunParameters(2**64 - 1, "what-if", "standard", 2025, 3)
    row = dbt_inputs.run_parameters(run).row(0, named=True)
    assert row["seed"] == 2**64 - 1
    assert row["scenario_key"] == rng.text_key("what-if")
    assert list(run.years_simulated) == [2025, 2026, 2027]


def _census() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "employee_id": ["E0000001"],
            "employee_key": [1],
            "birth_date": [dt.date(1980, 1, 1)],
            "hire_date": [dt.date(2010, 1, 1)],
            "termination_date": pl.Series([None], dtype=pl.Date),
            "job_level": pl.Series([1], dtype=pl.Int16),
            "compensation_cents": [5_000_000],
            "deferral_units": pl.Series([0], dtype=pl.Int32),
        }
    )


def test_input_tables_refuse_a_mismatched_run() -> None:
    config = load_config()
    with pytest.raises(ValueError, match="plan_design_id"):
        input_tables(config, _census(), RunParameters(1, "s", "other", 2025, 1))
    with pytest.raises(ValueError, match="compensation_cents"):
        input_tables(
            config, _census().drop("compensation_cents"), RunParameters(1, "s", "standard", 2025, 1)
        )


def test_write_inputs_creates_the_source_schema(tmp_path: Path) -> None:
    config = load_config()
    tables = input_tables(config, _census(), RunParameters(7, "s", config.plan_design_id, 2025, 2))
    with Database(tmp_path / "in.duckdb") as db:
        write_inputs(db, tables)
        write_inputs(db, tables)  # again: replaced, not appended
        for name, frame in tables.items():
            stored = db.query(f'SELECT * FROM planalign_inputs."{name}"')
            assert stored.height == frame.height, name
        assert db.scalar("SELECT seed FROM planalign_inputs.run_parameters") == 7


def test_a_hand_build_records_the_metadata_row_with_its_unmeasured_figures_null() -> None:
    metadata = pl.DataFrame(
        {
            "scenario_id": ["s"],
            "wall_seconds": pl.Series([Decimal("1.5")], dtype=pl.Decimal(18, 6)),
            "timings": ["{}"],
            "events_written": pl.Series([3], dtype=pl.Int64),
            "peak_rss_bytes": pl.Series([9], dtype=pl.Int64),
        }
    )
    tables = dbt_inputs.hand_build_tables(metadata)
    stored = tables["run_metadata"]
    assert stored.schema == metadata.schema
    assert stored.select(dbt_inputs.UNMEASURED).null_count().row(0) == (1, 1, 1, 1)
    assert stored["scenario_id"].to_list() == ["s"]
    views = tables["output_views"].row(0, named=True)
    assert views["name"] == "fct_participant_balance_snapshots"
    assert views["sql"].startswith('CREATE OR REPLACE VIEW "fct_participant_balance_snapshots"')
    assert set(views["reads"].split(",")) == {
        "int_balance_snapshot_segments",
        "int_balance_snapshot_closings",
    }
    with pytest.raises(ValueError, match="one row"):
        dbt_inputs.hand_build_tables(pl.concat([metadata, metadata]))
