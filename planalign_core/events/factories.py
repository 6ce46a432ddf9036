"""Factory helpers: build valid events without spelling out the envelope each time.

An :class:`EventFactory` holds what is constant for a run (seed, scenario, plan design, source);
each helper takes the employee, the effective date and the payload's fields, derives the
deterministic event id and validates the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from planalign_core.events.envelope import PAYLOAD_TYPES, SimulationEvent
from planalign_core.events.identity import derive_event_id
from planalign_core.events.types import EventType
from planalign_core.rng import text_key

SOURCE_SYSTEM = "planalign"


class Employee(NamedTuple):
    """An employee's id and the integer key that drives its draws and event ids."""

    employee_id: str
    employee_key: int


@dataclass(frozen=True)
class EventFactory:
    """Builds events for one (seed, scenario, plan design)."""

    scenario_id: str
    plan_design_id: str
    seed: int = 0
    source_system: str = SOURCE_SYSTEM

    @property
    def scenario_key(self) -> int:
        return text_key(self.scenario_id, self.plan_design_id)

    def event(
        self,
        event_type: EventType | str,
        employee: Employee,
        effective_date: date,
        *,
        sequence: int = 1,
        **fields: Any,
    ) -> SimulationEvent:
        """One validated event of ``event_type`` with the given payload fields."""
        kind = EventType(event_type)
        event_id = derive_event_id(
            seed=self.seed,
            scenario_key=self.scenario_key,
            employee_key=employee.employee_key,
            simulation_year=effective_date.year,
            type_code=kind.code,
            event_sequence=sequence,
        )
        return SimulationEvent.model_validate(
            {
                "event_id": event_id,
                "scenario_id": self.scenario_id,
                "plan_design_id": self.plan_design_id,
                "employee_id": employee.employee_id,
                "effective_date": effective_date,
                "simulation_year": effective_date.year,
                "event_sequence": sequence,
                "source_system": self.source_system,
                "payload": PAYLOAD_TYPES[kind](**fields),
            }
        )

    def hire(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.HIRE, employee, on, **fields)

    def termination(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.TERMINATION, employee, on, **fields)

    def promotion(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.PROMOTION, employee, on, **fields)

    def merit(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.MERIT, employee, on, **fields)

    def eligibility(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.ELIGIBILITY, employee, on, **fields)

    def enrollment(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.ENROLLMENT, employee, on, **fields)

    def deferral_escalation(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.DEFERRAL_ESCALATION, employee, on, **fields)

    def contribution(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.CONTRIBUTION, employee, on, **fields)

    def vesting(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.VESTING, employee, on, **fields)

    def forfeiture(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.FORFEITURE, employee, on, **fields)

    def hce_status(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.HCE_STATUS, employee, on, **fields)

    def compliance(self, employee: Employee, on: date, **fields: Any) -> SimulationEvent:
        return self.event(EventType.COMPLIANCE, employee, on, **fields)
