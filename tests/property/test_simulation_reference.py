"""The Polars engine against the scalar reference of docs/rules.md (``sim_reference``): the
synthetic census, every event (id, date, sequence, payload) and the state carried to the next
year must be equal, bit for bit. A disagreement prints the first differing rows."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings

from planalign_core.census import synthesize_census
from tests.property import sim_reference as ref
from tests.property.sim_strategies import Scenario, scenarios, simulate

PAYLOAD = {
    "hire": ("job_level", "annual_compensation", "birth_date"),
    "termination": ("termination_reason", "hire_date"),
    "promotion": ("from_level", "to_level", "previous_compensation", "new_compensation"),
    "merit": ("previous_compensation", "new_compensation", "merit_rate", "cola_rate"),
    "eligibility": ("eligibility_rule", "plan_entry_date"),
    "enrollment": ("pre_tax_rate", "roth_rate", "enrollment_source"),
    "deferral_escalation": ("previous_rate", "new_rate", "rate_cap"),
}
ENVELOPE = ("event_id", "employee_id", "event_type", "effective_date", "event_sequence")


def engine_rows(events: pl.DataFrame) -> list[tuple[object, ...]]:
    rows = []
    for row in events.filter(pl.col("event_type").is_in(list(PAYLOAD))).iter_rows(named=True):
        rows.append(
            tuple(row[c] for c in ENVELOPE) + tuple(row[c] for c in PAYLOAD[row["event_type"]])
        )
    return sorted(rows, key=lambda r: (r[1], r[4]))


def first_difference(got: list[tuple[object, ...]], want: list[tuple[object, ...]]) -> str:
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return f"row {index}:\n  engine    {a}\n  reference {b}"
    return f"lengths differ: engine {len(got)}, reference {len(want)}"


def state_rows(state: list[ref.Emp]) -> list[tuple[object, ...]]:
    return [
        (
            e.key,
            e.id,
            e.birth,
            e.hire,
            e.entry,
            e.level,
            e.cents,
            e.eligible,
            e.enrolled,
            e.deferral,
            e.enrollment_year,
            e.escalation_out,
        )
        for e in state
    ]


STATE_COLUMNS = (
    "employee_key",
    "employee_id",
    "birth_date",
    "hire_date",
    "plan_entry_date",
    "job_level",
    "compensation_cents",
    "is_eligible",
    "is_enrolled",
    "deferral_units",
    "enrollment_year",
    "escalation_opted_out",
)


@settings(max_examples=25)
@given(scenarios(max_employees=80, max_years=3))
def test_engine_equals_the_reference(scenario: Scenario) -> None:
    """Census, events and carried state of every year equal the scalar reference's."""
    config, keys = scenario.config, scenario.keys
    census = synthesize_census(scenario.employees, scenario.seed, scenario.start_year, config)
    expected_census = ref.synthesize(scenario.employees, scenario.seed, scenario.start_year, config)
    assert census.to_dicts() == expected_census
    run = simulate(scenario, census)
    state = ref.baseline(expected_census, config, scenario.start_year)
    for year in run.years:
        out = ref.simulate_year(state, config, keys.seed, keys.scenario_id, year.result.year)
        got = engine_rows(year.result.events)
        assert got == out.events, first_difference(got, out.events)
        carried = list(year.result.state.select(STATE_COLUMNS).iter_rows())
        assert carried == state_rows(out.state), first_difference(carried, state_rows(out.state))
        state = out.state
