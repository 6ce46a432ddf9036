"""The deferral-rate state accumulator across years (docs/rules.md, its section)."""

from __future__ import annotations

import polars as pl
from hypothesis import given

from tests.property.sim_strategies import ENGINE_EXAMPLES, Scenario, scenarios, simulate

KEY = ["employee_id"]


@ENGINE_EXAMPLES
@given(scenarios())
def test_accumulator_is_continuous_year_to_year(scenario: Scenario) -> None:
    """Year N = year N-1 + year N's rate events: with no event the row carries over unchanged,
    and state_version grows by the number of events applied."""
    run = simulate(scenario)
    previous = run.baseline.filter(pl.col("is_active")).select(
        *KEY,
        pl.col("deferral_rate").alias("rate"),
        pl.col("census_date").alias("date"),
        pl.lit("baseline").alias("source"),
        pl.lit(0, dtype=pl.Int32).alias("version"),
    )
    for year in run.years:
        rows = year.accumulator
        joined = rows.join(previous, on=KEY, how="inner")
        unchanged = joined.filter(pl.col("source_event_ids").list.len() == 0)
        assert (unchanged["current_deferral_rate"] == unchanged["rate"]).all()
        assert (unchanged["effective_date"] == unchanged["date"]).all()
        assert (unchanged["source_type"] == unchanged["source"]).all()
        grown = joined["state_version"] - joined["version"]
        assert (grown == joined["source_event_ids"].list.len()).all()
        # everyone still active last year has a row this year, and nobody else but the hires
        new_rows = rows.join(previous, on=KEY, how="anti")
        assert (new_rows["source_type"] != "baseline").all()
        assert previous.join(rows, on=KEY, how="anti").is_empty()
        previous = rows.filter(pl.col("is_active")).select(
            *KEY,
            pl.col("current_deferral_rate").alias("rate"),
            pl.col("effective_date").alias("date"),
            pl.col("source_type").alias("source"),
            pl.col("state_version").alias("version"),
        )


@ENGINE_EXAMPLES
@given(scenarios())
def test_accumulator_agrees_with_the_snapshot(scenario: Scenario) -> None:
    """Computed from events only, the accumulator still finds the engine's end-of-year state:
    same employees, same rate, same activity."""
    run = simulate(scenario)
    for year in run.years:
        snap = year.result.snapshot.select(
            *KEY,
            "current_deferral_rate",
            (pl.col("employment_status") == "active").alias("is_active"),
        )
        rows = year.accumulator.select(*KEY, "current_deferral_rate", "is_active")
        assert rows.sort(KEY).equals(snap.sort(KEY))


@ENGINE_EXAMPLES
@given(scenarios())
def test_accumulator_marks_the_current_rows(scenario: Scenario) -> None:
    """is_current holds exactly on each employee's last row of the run."""
    acc = simulate(scenario).accumulator
    last = acc.group_by(KEY).agg(pl.col("simulation_year").max().alias("last"))
    flagged = acc.join(last, on=KEY).select(
        (pl.col("is_current") == (pl.col("simulation_year") == pl.col("last"))).all()
    )
    assert flagged.item()


@ENGINE_EXAMPLES
@given(scenarios())
def test_accumulator_cites_the_events_it_applied(scenario: Scenario) -> None:
    """source_event_ids are exactly the year's enrollment and escalation event ids."""
    run = simulate(scenario)
    for year in run.years:
        cited = year.accumulator["source_event_ids"].explode().drop_nulls().sort()
        events = year.result.events.filter(
            pl.col("event_type").is_in(["enrollment", "deferral_escalation"])
        )
        assert cited.to_list() == events["event_id"].sort().to_list()
