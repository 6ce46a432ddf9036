"""Headcount properties of the year step (docs/rules.md, "Hires" and "New-hire terminations")."""

from __future__ import annotations

import polars as pl
from hypothesis import given

from planalign_core.config import units
from tests.property.sim_strategies import ENGINE_EXAMPLES, Scenario, scenarios, simulate


@ENGINE_EXAMPLES
@given(scenarios())
def test_headcount_is_conserved(scenario: Scenario) -> None:
    """Every year: start - terminations + hires = end, and next year starts where this ended."""
    run = simulate(scenario)
    start = run.census.filter(pl.col("termination_date").is_null()).height
    for year in run.years:
        result = year.result
        events = result.events
        hires = events.filter(pl.col("event_type") == "hire").height
        terminations = events.filter(pl.col("event_type") == "termination").height
        assert result.counts.start_headcount == start
        assert start - terminations + hires == result.end_headcount
        active = result.snapshot.filter(pl.col("employment_status") == "active").height
        assert active == result.end_headcount
        start = result.end_headcount


@ENGINE_EXAMPLES
@given(scenarios())
def test_growth_target_is_met_as_stated(scenario: Scenario) -> None:
    """The year ends at round_half_up(S * (1 + g)) when hiring is needed, else at S - T; and
    exactly K = H - N of the hires leave, with H = ceil(N / (1 - r))."""
    run = simulate(scenario)
    config = scenario.config
    g = units(config.growth_rate)
    r = units(config.terminations.new_hire_rate)
    for year in run.years:
        res = year.result
        counts = res.counts
        s, t = counts.start_headcount, counts.experienced_terminations
        target = (s * (10_000 + g) + 5_000) // 10_000
        needed = target - (s - t)
        if needed <= 0:
            assert (counts.hires, counts.new_hire_terminations, res.end_headcount) == (0, 0, s - t)
        else:
            hires = -(-needed * 10_000 // (10_000 - r))
            assert counts.hires == hires
            assert counts.new_hire_terminations == hires - needed
            assert res.end_headcount == target


@ENGINE_EXAMPLES
@given(scenarios())
def test_every_event_names_an_employee_of_its_year(scenario: Scenario) -> None:
    """No event for someone outside the year's workforce (experienced or hired that year)."""
    run = simulate(scenario)
    for year in run.years:
        workforce = set(year.result.snapshot["employee_id"].to_list())
        named = set(year.result.events["employee_id"].to_list())
        assert named <= workforce


@ENGINE_EXAMPLES
@given(scenarios())
def test_new_hire_ids_and_keys_follow_the_rules(scenario: Scenario) -> None:
    """New hires are NH{year}_{ordinal:07d} with ordinals 1..H, each hired once."""
    run = simulate(scenario)
    for year in run.years:
        hires = year.result.events.filter(pl.col("event_type") == "hire")
        count = year.result.counts.hires
        expected = [f"NH{year.result.year}_{i:07d}" for i in range(1, count + 1)]
        assert sorted(hires["employee_id"].to_list()) == expected


@ENGINE_EXAMPLES
@given(scenarios())
def test_terminated_employees_leave_and_nobody_returns(scenario: Scenario) -> None:
    """A termination removes the employee from every later year."""
    run = simulate(scenario)
    gone: set[str] = set()
    for year in run.years:
        present = set(year.result.snapshot["employee_id"].to_list())
        assert not present & gone
        leavers = year.result.events.filter(pl.col("event_type") == "termination")
        gone |= set(leavers["employee_id"].to_list())
