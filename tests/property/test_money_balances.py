"""Money properties of the balances (rules, "Balances"), on small random runs."""

from __future__ import annotations

import polars as pl
from hypothesis import given

from tests.property.money_strategies import money_run, money_scenarios
from tests.property.sim_strategies import ENGINE_EXAMPLES, Scenario

MONEY = [
    "beginning_balance",
    "contributions",
    "investment_return",
    "forfeitures",
    "ending_balance",
    "vested_balance",
]


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_no_negative_balance(scenario: Scenario) -> None:
    """No balance, flow or snapshot amount is negative (returns may be, when the rate is)."""
    run = money_run(scenario)
    balances = run.balances
    for column in [c for c in MONEY if c != "investment_return"]:
        assert (balances[column] >= 0).all(), column
    weekly = run.weekly
    for column in ("employee_balance", "employer_balance", "total_balance", "vested_balance"):
        assert (weekly[column] >= 0).all(), column


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_vested_never_exceeds_the_balance(scenario: Scenario) -> None:
    """vested <= balance, per source at each year end and on every snapshot date."""
    run = money_run(scenario)
    assert (run.balances["vested_balance"] <= run.balances["ending_balance"]).all()
    weekly = run.weekly
    assert (weekly["vested_balance"] <= weekly["total_balance"]).all()
    assert (weekly["vested_balance"] >= weekly["employee_balance"]).all()


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_money_is_conserved(scenario: Scenario) -> None:
    """ending = beginning + contributions + return - forfeitures, per employee, source and year;
    a year's beginning is the previous year's ending; the flows equal the contribution and
    forfeiture events and int_employee_contributions."""
    run = money_run(scenario)
    b = run.balances
    flows = pl.col("beginning_balance") + pl.col("contributions") + pl.col("investment_return")
    assert b.filter(flows - pl.col("forfeitures") != pl.col("ending_balance")).is_empty()

    keys = ["employee_id", "source"]
    previous = b.select(
        *keys,
        (pl.col("simulation_year") + 1).alias("simulation_year"),
        pl.col("ending_balance").alias("previous_ending"),
    )
    carried = b.join(previous, on=[*keys, "simulation_year"], how="left")
    first_year = scenario.start_year
    broken = carried.filter(
        (pl.col("simulation_year") > first_year)
        & (pl.col("beginning_balance") != pl.col("previous_ending").fill_null(0))
    )
    assert broken.is_empty(), broken

    events = run.events
    _amounts_match_events(b, events, "contributions", "contribution", "contribution_source")
    _amounts_match_events(b, events, "forfeitures", "forfeiture", "forfeiture_source")

    wide = b.group_by("employee_id", "simulation_year").agg(
        pl.col("contributions").filter(pl.col("source") == s).sum().alias(s)
        for s in ("employee_pre_tax", "catch_up", "employer_match", "true_up", "non_elective")
    )
    table = run.contributions.join(
        wide, on=["employee_id", "simulation_year"], how="left", suffix="_b"
    )
    for source in ("employee_pre_tax", "catch_up", "employer_match", "true_up", "non_elective"):
        assert table.filter(pl.col(source) != pl.col(f"{source}_b").fill_null(0)).is_empty()


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_leavers_forfeit_only_unvested_employer_money(scenario: Scenario) -> None:
    """Forfeitures happen only to employer sources of employees terminated that year, whose
    closing account is then fully vested; nobody terminated earns a return."""
    run = money_run(scenario)
    b = run.balances
    terminated = run.run.snapshots.filter(pl.col("employment_status") == "terminated").select(
        "employee_id", "simulation_year"
    )
    forfeits = b.filter(pl.col("forfeitures") > 0)
    assert forfeits["source"].is_in(["employer_match", "true_up", "non_elective"]).all()
    assert forfeits.join(terminated, on=["employee_id", "simulation_year"], how="anti").is_empty()
    closed = b.join(terminated, on=["employee_id", "simulation_year"], how="semi")
    assert (closed["vested_balance"] == closed["ending_balance"]).all()
    assert (closed["investment_return"] == 0).all()


def _amounts_match_events(
    balances: pl.DataFrame, events: pl.DataFrame, column: str, event_type: str, source: str
) -> None:
    """Each (employee, year, source) balance row's ``column`` is the sum of its
    ``event_type`` events' amounts (a row without events: 0; events without a row: a failure)."""
    by_event = (
        events.filter(pl.col("event_type") == event_type)
        .group_by("employee_id", "simulation_year", pl.col(source).alias("source"))
        .agg(pl.col("amount").sum().alias("events"))
    )
    joined = balances.join(by_event, on=["employee_id", "simulation_year", "source"], how="full")
    mismatched = joined.filter(pl.col(column).fill_null(0) != pl.col("events").fill_null(0))
    assert mismatched.is_empty(), mismatched
