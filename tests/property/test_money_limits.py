"""Money properties of the IRS limits (rules, "Employee deferrals", "415(c)")."""

from __future__ import annotations

import polars as pl
from hypothesis import given

from tests.property.money_strategies import money_run, money_scenarios
from tests.property.sim_strategies import ENGINE_EXAMPLES, Scenario


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_deferrals_within_the_employee_limit(scenario: Scenario) -> None:
    """pre-tax <= 402(g); catch-up <= the catch-up the age allows; total <= both; never more
    than the uncapped deferral; plan pay <= 401(a)(17) and <= uncapped plan pay <= earned pay."""
    c = money_run(scenario).contributions
    assert (c["employee_pre_tax"] <= c["deferral_limit_402g"]).all()
    assert (c["catch_up"] <= c["catch_up_limit"]).all()
    assert (c["total_deferrals"] <= c["deferral_limit_402g"] + c["catch_up_limit"]).all()
    assert (c["total_deferrals"] <= c["deferrals_uncapped"]).all()
    assert (c["total_deferrals"] == c["employee_pre_tax"] + c["catch_up"]).all()
    assert (c["plan_compensation"] <= c["compensation_limit_401a17"]).all()
    assert (c["plan_compensation"] <= c["plan_compensation_uncapped"]).all()
    assert (c["plan_compensation_uncapped"] <= c["earned_compensation"]).all()
    catch_up_only_when_capped = c.filter(
        (pl.col("catch_up") > 0) & (pl.col("employee_pre_tax") < pl.col("deferral_limit_402g"))
    )
    assert catch_up_only_when_capped.is_empty()


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_annual_additions_within_415c(scenario: Scenario) -> None:
    """annual additions (pre-tax + employer money, catch-up excluded) <= the 415(c) limit,
    which is never above earned pay; the cut is exactly the excess."""
    c = money_run(scenario).contributions
    additions = (
        pl.col("employee_pre_tax")
        + pl.col("employer_match")
        + pl.col("true_up")
        + pl.col("non_elective")
    )
    assert c.filter(additions != pl.col("annual_additions")).is_empty()
    assert (c["annual_additions"] <= c["annual_additions_limit_415c"]).all()
    assert (c["annual_additions_limit_415c"] <= c["earned_compensation"]).all()
    assert (c["excess_415c"] >= 0).all()


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_limit_events_agree_with_the_table(scenario: Scenario) -> None:
    """A 402(g) compliance event exists exactly when the uncapped deferral reached 402(g), on
    the table's date; contribution events carry limit_applied 402g_deferral exactly then."""
    run = money_run(scenario)
    c = run.contributions
    events = run.events.filter(
        (pl.col("event_type") == "compliance") & (pl.col("limit_type") == "402g_deferral")
    ).select("employee_id", "simulation_year", "effective_date")
    reached = c.filter(pl.col("deferrals_uncapped") >= pl.col("deferral_limit_402g")).select(
        "employee_id", "simulation_year", pl.col("reached_402g_date").alias("effective_date")
    )
    assert events.sort(pl.all()).equals(reached.sort(pl.all()))
    cut = run.events.filter(pl.col("limit_applied") == "402g_deferral")
    assert (cut["contribution_source"] == "employee_pre_tax").all()
    over = c.filter(pl.col("deferrals_uncapped") > pl.col("deferral_limit_402g"))
    assert cut.height == over.height


@ENGINE_EXAMPLES
@given(money_scenarios())
def test_catch_up_events_mark_a_change_of_class(scenario: Scenario) -> None:
    """A catch_up compliance event exists exactly in the years an employee employed in them
    enters a catch-up class (age 50, age 60-63, back to age 50 after 63)."""
    run = money_run(scenario)
    limits = scenario.config.limits

    def klass(age: pl.Expr) -> pl.Expr:
        window = age.is_between(limits.catch_up_60_63_min_age, limits.catch_up_60_63_max_age)
        return pl.when(window).then(2).when(age >= limits.catch_up_age).then(1).otherwise(0)

    people = run.run.snapshots.join(
        run.contributions.select("employee_id", "simulation_year", "days_employed"),
        on=["employee_id", "simulation_year"],
    )
    age = pl.col("simulation_year") - pl.col("birth_date").dt.year()  # age on December 31
    expected = people.filter(
        (pl.col("days_employed") > 0) & (klass(age) != 0) & (klass(age) != klass(age - 1))
    ).select("employee_id", "simulation_year")
    events = run.events.filter(
        (pl.col("event_type") == "compliance") & (pl.col("limit_type") == "catch_up")
    ).select("employee_id", "simulation_year")
    assert events.sort(pl.all()).equals(expected.sort(pl.all()))
