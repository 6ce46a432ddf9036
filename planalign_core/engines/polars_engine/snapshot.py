"""End of a year: ``fct_workforce_snapshot`` rows and the state handed to the next year."""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.baseline import STATE_SCHEMA
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.literals import lit
from planalign_core.rules import calendar as cal

NEXT_STATE = {
    "job_level": "level_end",
    "compensation_cents": "comp_end",
    "is_eligible": "is_eligible_end",
    "is_enrolled": "is_enrolled_end",
    "deferral_units": "deferral_end",
    "enrollment_year": "enrollment_year_end",
    "escalation_opted_out": "escalation_opted_out_end",
}


def snapshot_rows(year_frame: pl.DataFrame, keys: RunKeys, year: int) -> pl.DataFrame:
    """One row per employee of the year, as at ``end(Y)`` or its termination date."""
    terminated = pl.col("terminated")
    on = pl.coalesce(pl.col("termination_date"), lit(dt.date(year, 12, 31)))
    detailed = (
        pl.when(pl.col("is_new_hire"))
        .then(
            pl.when(terminated).then(lit("new_hire_termination")).otherwise(lit("new_hire_active"))
        )
        .otherwise(
            pl.when(terminated)
            .then(lit("experienced_termination"))
            .otherwise(lit("continuous_active"))
        )
    )
    return (
        year_frame.lazy()
        .select(
            lit(keys.scenario_id).alias("scenario_id"),
            lit(keys.plan_design_id).alias("plan_design_id"),
            "employee_id",
            "employee_key",
            lit(year, pl.Int32).alias("simulation_year"),
            pl.when(terminated)
            .then(lit("terminated"))
            .otherwise(lit("active"))
            .alias("employment_status"),
            detailed.alias("detailed_status"),
            "birth_date",
            "hire_date",
            "termination_date",
            "termination_reason",
            pl.col("level_end").cast(pl.Int16).alias("job_level"),
            money(pl.col("comp_end")).alias("annual_compensation"),
            cal.age_at(pl.col("birth_date"), on).cast(pl.Int16).alias("age"),
            cal.age_at(pl.col("hire_date"), on).cast(pl.Int16).alias("tenure"),
            "plan_entry_date",
            pl.col("is_eligible_end").alias("is_eligible"),
            pl.col("is_enrolled_end").alias("is_enrolled"),
            rate(pl.col("deferral_end")).alias("current_deferral_rate"),
        )
        .sort("employee_key")
        .collect(engine=ENGINE)
    )


def next_state(year_frame: pl.DataFrame) -> pl.DataFrame:
    """The employees still active at ``end(Y)``, in the state layout."""
    return (
        year_frame.lazy()
        .filter(~pl.col("terminated"))
        .select(
            pl.col(NEXT_STATE.get(name, name)).cast(dtype).alias(name)
            for name, dtype in STATE_SCHEMA.items()
        )
        .sort("employee_key")
        .collect(engine=ENGINE)
    )
