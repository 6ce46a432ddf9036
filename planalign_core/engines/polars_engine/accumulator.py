"""``int_deferral_rate_state_accumulator`` (rules, "Deferral-rate state accumulator").

Year N = the rows of N - 1 (or the baseline) + the events of year N applied in
``event_sequence`` order. It reads only its own previous rows and the year's event frame (never
``fct_yearly_events`` as stored, never the engine's state), so it can be checked against a
reference model event by event.
"""

from __future__ import annotations

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.engines.polars_engine.params import RATE
from planalign_core.literals import lit

ACCUMULATOR_SCHEMA = pl.Schema(
    {
        "scenario_id": pl.String(),
        "plan_design_id": pl.String(),
        "employee_id": pl.String(),
        "current_deferral_rate": RATE,
        "effective_date": pl.Date(),
        "simulation_year": pl.Int32(),
        "source_type": pl.String(),
        "is_current": pl.Boolean(),
        "is_active": pl.Boolean(),
        "source_event_ids": pl.List(pl.String()),
        "state_version": pl.Int32(),
    }
)
CARRIED = ("employee_id", "current_deferral_rate", "effective_date", "source_type", "state_version")
SOURCE_TYPES = {
    "auto": "auto_enrollment",
    "voluntary": "voluntary_enrollment",
    "opt_out": "opt_out",
}


def baseline_rows(baseline: pl.DataFrame) -> pl.DataFrame:
    """The starting rows from ``int_baseline_workforce`` (its active employees)."""
    return baseline.filter(pl.col("is_active")).select(
        "employee_id",
        pl.col("deferral_rate").cast(RATE).alias("current_deferral_rate"),
        pl.col("census_date").alias("effective_date"),
        lit("baseline").alias("source_type"),
        lit(0, pl.Int32).alias("state_version"),
    )


def _rate_changes(events: pl.LazyFrame) -> pl.LazyFrame:
    """Per employee: the last applied rate, its date and source, the ids and their count."""
    enrollment = pl.col("event_type") == "enrollment"
    changes = events.filter(pl.col("event_type").is_in(["enrollment", "deferral_escalation"]))
    changes = changes.select(
        "employee_id",
        "event_sequence",
        "event_id",
        "effective_date",
        pl.when(enrollment)
        .then(pl.col("pre_tax_rate") + pl.col("roth_rate"))
        .otherwise(pl.col("new_rate"))
        .cast(RATE)
        .alias("rate"),
        pl.when(enrollment)
        .then(pl.col("enrollment_source").replace_strict(SOURCE_TYPES, return_dtype=pl.String))
        .otherwise(lit("escalation"))
        .alias("source"),
    ).sort("employee_id", "event_sequence")
    return changes.group_by("employee_id").agg(
        pl.col("rate").last().alias("__rate"),
        pl.col("effective_date").last().alias("__date"),
        pl.col("source").last().alias("__source"),
        pl.col("event_id").alias("source_event_ids"),
        pl.len().cast(pl.Int32).alias("__applied"),
    )


def accumulate(
    previous: pl.DataFrame,
    events: pl.DataFrame,
    *,
    year: int,
    last_year: int,
    scenario_id: str,
    plan_design_id: str,
) -> pl.DataFrame:
    """The accumulator rows of ``year``.

    ``previous``: the rows of ``year - 1`` (only ``is_active`` ones are carried) or
    :func:`baseline_rows`; ``events``: the events of ``year`` in the columnar layout.
    """
    year_events = events.lazy().filter(pl.col("simulation_year") == year)
    carried = previous.lazy()
    if "is_active" in previous.columns:
        carried = carried.filter(pl.col("is_active"))
    hires = year_events.filter(pl.col("event_type") == "hire").select(
        "employee_id",
        lit(0).cast(RATE).alias("current_deferral_rate"),
        "effective_date",
        lit("new_hire").alias("source_type"),
        lit(0, pl.Int32).alias("state_version"),
    )
    start = pl.concat([carried.select(CARRIED), hires], how="vertical")
    leavers = year_events.filter(pl.col("event_type") == "termination").select(
        "employee_id", lit(False).alias("__active")
    )
    rows = start.join(_rate_changes(year_events), on="employee_id", how="left").join(
        leavers, on="employee_id", how="left"
    )
    is_active = pl.col("__active").fill_null(True)
    rows = rows.select(
        lit(scenario_id).alias("scenario_id"),
        lit(plan_design_id).alias("plan_design_id"),
        "employee_id",
        pl.coalesce("__rate", "current_deferral_rate").alias("current_deferral_rate"),
        pl.coalesce("__date", "effective_date").alias("effective_date"),
        lit(year, pl.Int32).alias("simulation_year"),
        pl.coalesce("__source", "source_type").alias("source_type"),
        (~is_active | (year == last_year)).alias("is_current"),
        is_active.alias("is_active"),
        pl.col("source_event_ids").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        (pl.col("state_version") + pl.col("__applied").fill_null(0)).alias("state_version"),
    )
    return rows.collect(engine=ENGINE).cast(dict(ACCUMULATOR_SCHEMA)).sort("employee_id")  # type: ignore[arg-type]
