"""The baseline workforce (rules, "Baseline workforce") and the state entering the first year.

The **state** is one row per active employee, the only thing a year hands to the next:
:data:`STATE_SCHEMA`. Pay is in cents and the deferral in basis units; ``id_prefix`` is the
per-employee head of its event ids (``planalign_core.events.identity``), computed once when the
employee enters and carried, instead of once per event.
"""

from __future__ import annotations

import polars as pl

from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.ids import with_id_prefix
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.literals import lit
from planalign_core.rules import calendar as cal
from planalign_core.rules.calendar import census_date

STATE_SCHEMA = pl.Schema(
    {
        "employee_key": pl.Int64(),
        "employee_id": pl.String(),
        "id_prefix": pl.String(),
        "birth_date": pl.Date(),
        "hire_date": pl.Date(),
        "plan_entry_date": pl.Date(),
        "job_level": pl.Int16(),
        "compensation_cents": pl.Int64(),
        "is_eligible": pl.Boolean(),
        "is_enrolled": pl.Boolean(),
        "deferral_units": pl.Int32(),
        "enrollment_year": pl.Int32(),
        "escalation_opted_out": pl.Boolean(),
    }
)


def baseline(census: pl.DataFrame, config: Config, start_year: int) -> pl.DataFrame:
    """The census with its plan entry date and starting flags (internal units)."""
    c_date = census_date(start_year)
    entry = cal.plan_entry(config, pl.col("birth_date"), pl.col("hire_date"))
    return (
        census.sort("employee_key")
        .with_columns(
            pl.col("termination_date").is_null().alias("is_active"),
            entry.alias("plan_entry_date"),
        )
        .with_columns(
            ((pl.col("plan_entry_date") <= c_date) | (pl.col("deferral_units") > 0)).alias(
                "is_eligible"
            ),
            (pl.col("deferral_units") > 0).alias("is_enrolled"),
        )
    )


def baseline_table(frame: pl.DataFrame, keys: RunKeys) -> pl.DataFrame:
    """``int_baseline_workforce`` rows."""
    return frame.select(
        lit(keys.scenario_id).alias("scenario_id"),
        lit(keys.plan_design_id).alias("plan_design_id"),
        "employee_id",
        "employee_key",
        "birth_date",
        "hire_date",
        "termination_date",
        pl.col("job_level").cast(pl.Int16),
        money(pl.col("compensation_cents")).alias("annual_compensation"),
        rate(pl.col("deferral_units")).alias("deferral_rate"),
        "is_active",
        "plan_entry_date",
        "is_eligible",
        "is_enrolled",
        lit(census_date(keys.start_year)).alias("census_date"),
    )


def initial_state(frame: pl.DataFrame, keys: RunKeys) -> pl.DataFrame:
    """The state entering ``start_year``: the baseline's active rows."""
    active = with_id_prefix(frame.filter(pl.col("is_active")), keys)
    return active.select(
        pl.col(name).cast(dtype)
        if name not in ("enrollment_year", "escalation_opted_out")
        else (
            pl.when(pl.col("is_enrolled")).then(keys.start_year - 1).cast(pl.Int32)
            if name == "enrollment_year"
            else lit(False)
        ).alias(name)
        for name, dtype in STATE_SCHEMA.items()
    )
