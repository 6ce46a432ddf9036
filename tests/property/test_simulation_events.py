"""Event properties: the schema accepts them, values stay in range, dates and order hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings

from planalign_core.events.columnar import EVENT_COLUMNS, EVENT_TYPE_CODES, frame_to_events
from tests.property.sim_strategies import (
    ENGINE_EXAMPLES,
    PART_ONE_TYPES,
    Scenario,
    scenarios,
    simulate,
)

SUB_ORDER = pl.when(pl.col("enrollment_source") == "opt_out").then(2).otherwise(1)


@settings(max_examples=10)
@given(scenarios(max_employees=120))
def test_events_pass_the_pydantic_schema(scenario: Scenario) -> None:
    """Every row the engine emits validates as a SimulationEvent (the schema is the path)."""
    events = simulate(scenario).events
    assert events.schema == pl.Schema(EVENT_COLUMNS)
    assert len(frame_to_events(events)) == events.height


@ENGINE_EXAMPLES
@given(scenarios())
def test_rates_stay_in_their_bounds(scenario: Scenario) -> None:
    """Deferral rates lie in [0, max_deferral_rate]; escalations rise and stay <= the cap."""
    run = simulate(scenario)
    config = scenario.config
    limit = config.enrollment.max_deferral_rate
    cap = config.escalation.cap
    events = run.events
    rates = pl.concat(
        [
            run.snapshots["current_deferral_rate"],
            run.accumulator["current_deferral_rate"],
            events["pre_tax_rate"].drop_nulls(),
        ]
    )
    assert rates.len() > 0  # every run has a snapshot: an empty frame would prove nothing
    assert Decimal(rates.min()) >= 0  # type: ignore[arg-type]
    assert Decimal(rates.max()) <= limit  # type: ignore[arg-type]
    escalations = events.filter(pl.col("event_type") == "deferral_escalation")
    assert (escalations["new_rate"] > escalations["previous_rate"]).all()
    assert (escalations["new_rate"] <= cap).all()
    assert (escalations["rate_cap"] == cap).all()


@ENGINE_EXAMPLES
@given(scenarios())
def test_pay_never_falls_and_merit_matches_its_rates(scenario: Scenario) -> None:
    """Promotions and merit raise pay by round-half-up of the stated rates."""
    events = simulate(scenario).events
    merit = events.filter(pl.col("event_type") == "merit")
    for row in merit.select(
        "previous_compensation", "new_compensation", "merit_rate", "cola_rate"
    ).iter_rows():
        previous, new, merit_rate, cola = row
        cents = int(previous * 100)
        units = int((merit_rate + cola) * 10_000)
        assert int(new * 100) == (cents * (10_000 + units) + 5_000) // 10_000
    promotions = events.filter(pl.col("event_type") == "promotion")
    assert (promotions["to_level"] == promotions["from_level"] + 1).all()
    assert (promotions["new_compensation"] >= promotions["previous_compensation"]).all()


@ENGINE_EXAMPLES
@given(scenarios())
def test_dates_lie_in_the_year_and_nothing_follows_a_termination(scenario: Scenario) -> None:
    """Effective dates are inside the simulation year; an employee's events after its
    termination do not exist (a hire on the same day precedes it)."""
    events = simulate(scenario).events.filter(pl.col("event_type").is_in(PART_ONE_TYPES))
    year = pl.col("simulation_year")
    assert events.filter(pl.col("effective_date").dt.year() != year).is_empty()
    ends = events.filter(pl.col("event_type") == "termination").select(
        "employee_id", pl.col("effective_date").alias("ended"), "hire_date"
    )
    assert (ends["ended"] >= ends["hire_date"]).all()
    later = events.join(ends.drop("hire_date"), on="employee_id").filter(
        (pl.col("event_type") != "termination")
        & (
            (pl.col("effective_date") > pl.col("ended"))
            | ((pl.col("effective_date") == pl.col("ended")) & (pl.col("event_type") != "hire"))
        )
    )
    assert later.is_empty(), later


@ENGINE_EXAMPLES
@given(scenarios())
def test_event_sequence_orders_each_employee_year(scenario: Scenario) -> None:
    """event_sequence is 1..n per (employee, year), following (date, type code, sub-order)
    (the workforce and participation events; money events are numbered after them)."""
    everything = simulate(scenario).events
    assert everything.select("event_id").is_unique().all()
    events = everything.filter(pl.col("event_type").is_in(PART_ONE_TYPES)).with_columns(
        pl.col("event_type").replace_strict(EVENT_TYPE_CODES).alias("code"), SUB_ORDER.alias("sub")
    )
    ordered = events.sort("employee_id", "simulation_year", "effective_date", "code", "sub")
    expected = pl.int_range(1, pl.len() + 1).over("employee_id", "simulation_year")
    check = ordered.select((pl.col("event_sequence") == expected).all()).item()
    assert check


@ENGINE_EXAMPLES
@given(scenarios(max_years=2))
def test_only_experienced_employees_are_promoted_merited_or_escalated(scenario: Scenario) -> None:
    """Hires of a year get no promotion, merit or escalation in that year."""
    events = simulate(scenario).events
    hired = events.filter(pl.col("event_type") == "hire").select("employee_id", "simulation_year")
    same_year = events.join(hired, on=["employee_id", "simulation_year"]).filter(
        pl.col("event_type").is_in(["promotion", "merit", "deferral_escalation"])
    )
    assert same_year.is_empty()


def test_a_known_year_has_every_event_type() -> None:
    """With the defaults, 300 employees over 2 years produce every event type of the year step
    (guards against a rule that silently never fires)."""
    events = simulate(Scenario(300, 2, 2025, 7)).events
    produced = set(events["event_type"].unique().to_list())
    assert produced >= set(PART_ONE_TYPES)
    sources = set(events["enrollment_source"].drop_nulls().unique().to_list())
    assert sources == {"auto", "voluntary", "opt_out"}
    assert events["effective_date"].min() >= dt.date(2025, 1, 1)
