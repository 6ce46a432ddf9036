"""The deferral-rate state accumulator against a simple reference model (hypothesis stateful).

The model is a dict of employee -> (rate, date, source, version, active), updated event by event
as docs/rules.md says; the machine feeds random years of events (hires, terminations, auto and
voluntary enrolments, opt-outs, escalations, in shuffled rows) to ``accumulate`` and compares
every row with the model after every year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from planalign_core.engines.polars_engine.accumulator import accumulate, baseline_rows
from planalign_core.events.columnar import conform, empty_events_frame

START, LAST = 2025, 2029
SOURCES = {"auto": "auto_enrollment", "voluntary": "voluntary_enrollment", "opt_out": "opt_out"}
rates = st.integers(0, 7500).map(lambda u: Decimal(u) / 10_000)


@dataclass
class Row:
    rate: Decimal
    date: dt.date
    source: str
    version: int
    active: bool = True
    ids: tuple[str, ...] = ()


class AccumulatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.year = START
        self.model: dict[str, Row] = {}
        self.previous = pl.DataFrame()
        self.rows = pl.DataFrame()
        self.serial = 0

    @initialize(
        baseline=st.lists(
            st.tuples(rates, st.booleans()), min_size=1, max_size=12, unique_by=lambda x: x
        )
    )
    def start(self, baseline: list[tuple[Decimal, bool]]) -> None:
        census = dt.date(START - 1, 12, 31)
        table = pl.DataFrame(
            {
                "employee_id": [f"E{i:03d}" for i in range(len(baseline))],
                "deferral_rate": [rate for rate, _ in baseline],
                "is_active": [active for _, active in baseline],
                "census_date": [census] * len(baseline),
            },
            schema_overrides={"deferral_rate": pl.Decimal(5, 4)},
        )
        self.previous = baseline_rows(table)
        self.model = {
            f"E{i:03d}": Row(rate, census, "baseline", 0)
            for i, (rate, active) in enumerate(baseline)
            if active
        }

    def _event(self, employee: str, kind: str, day: dt.date, sequence: int) -> dict[str, object]:
        self.serial += 1
        return {
            "event_id": f"{self.serial:08d}-0000-8000-8000-000000000000",
            "scenario_id": "s",
            "plan_design_id": "p",
            "employee_id": employee,
            "event_type": kind,
            "effective_date": day,
            "simulation_year": self.year,
            "event_sequence": sequence,
            "source_system": "planalign",
        }

    @rule(data=st.data())
    def simulate_a_year(self, data: st.DataObject) -> None:
        year = self.year
        days = st.integers(0, 364).map(lambda d: dt.date(year, 1, 1) + dt.timedelta(days=d))
        events: list[dict[str, object]] = []
        hires = data.draw(st.integers(0, 3), label="hires")
        people = [e for e, row in self.model.items() if row.active]
        for n in range(hires):
            employee = f"NH{year}_{n + 1:07d}"
            day = data.draw(days, label="hire date")
            events.append(self._event(employee, "hire", day, 1))
            self.model[employee] = Row(Decimal(0), day, "new_hire", 0)
            people.append(employee)
        for employee in people:
            row = self.model[employee]
            sequence = 2 if employee.startswith(f"NH{year}") else 1
            changes = data.draw(st.lists(st.sampled_from([*SOURCES, "escalation"]), max_size=3))
            applied: list[str] = []
            for kind in changes:
                day = data.draw(days, label="change date")
                event = self._event(employee, "enrollment", day, sequence)
                rate = data.draw(rates, label="rate")
                if kind == "escalation":
                    event |= {"event_type": "deferral_escalation", "new_rate": rate}
                    row.source = "escalation"
                else:
                    rate = Decimal(0) if kind == "opt_out" else rate
                    event |= {"pre_tax_rate": rate, "roth_rate": Decimal(0)}
                    event["enrollment_source"] = kind
                    row.source = SOURCES[kind]
                row.rate, row.date = rate, day
                row.version += 1
                applied.append(str(event["event_id"]))
                events.append(event)
                sequence += 1
            row.ids = tuple(applied)
            if data.draw(st.booleans(), label="terminates"):
                day = data.draw(days, label="termination date")
                events.append(self._event(employee, "termination", day, sequence))
                row.active = False
        frame = empty_events_frame()
        if events:
            frame = conform(pl.DataFrame(events, infer_schema_length=None))
            frame = frame.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 99)))
        self.rows = accumulate(
            self.previous, frame, year=year, last_year=LAST, scenario_id="s", plan_design_id="p"
        )
        self.check_rows(people)
        self.previous = self.rows
        self.model = {e: r for e, r in self.model.items() if r.active}
        for row in self.model.values():
            row.ids = ()
        self.year += 1

    def check_rows(self, people: list[str]) -> None:
        got = {row["employee_id"]: row for row in self.rows.iter_rows(named=True)}
        assert sorted(got) == sorted(people)
        for employee in people:
            want, row = self.model[employee], got[employee]
            assert row["current_deferral_rate"] == want.rate, employee
            assert row["effective_date"] == want.date, employee
            assert row["source_type"] == want.source, employee
            assert row["state_version"] == want.version, employee
            assert row["is_active"] == want.active, employee
            assert tuple(row["source_event_ids"]) == want.ids, employee
            assert row["is_current"] == (not want.active or self.year == LAST), employee
            assert row["simulation_year"] == self.year

    @invariant()
    def rows_are_unique(self) -> None:
        if self.rows.height:
            assert self.rows["employee_id"].is_unique().all()


TestAccumulatorModel = AccumulatorMachine.TestCase
# One step is one year: at most the five years START..LAST.
TestAccumulatorModel.settings = settings(stateful_step_count=LAST - START + 1)
