"""The envelope every event travels in, with its payload discriminated on ``event_type``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from planalign_core.events import compliance, money, participation, workforce
from planalign_core.events.base import FROZEN, field_error
from planalign_core.events.types import MAX_YEAR, MIN_YEAR, EventType, Identifier

PAYLOAD_TYPES: dict[EventType, type[Any]] = {
    EventType.HIRE: workforce.HirePayload,
    EventType.TERMINATION: workforce.TerminationPayload,
    EventType.PROMOTION: workforce.PromotionPayload,
    EventType.MERIT: workforce.MeritPayload,
    EventType.ELIGIBILITY: participation.EligibilityPayload,
    EventType.ENROLLMENT: participation.EnrollmentPayload,
    EventType.DEFERRAL_ESCALATION: participation.DeferralEscalationPayload,
    EventType.CONTRIBUTION: money.ContributionPayload,
    EventType.VESTING: money.VestingPayload,
    EventType.FORFEITURE: money.ForfeiturePayload,
    EventType.HCE_STATUS: compliance.HceStatusPayload,
    EventType.COMPLIANCE: compliance.CompliancePayload,
}

Payload = Annotated[
    workforce.HirePayload
    | workforce.TerminationPayload
    | workforce.PromotionPayload
    | workforce.MeritPayload
    | participation.EligibilityPayload
    | participation.EnrollmentPayload
    | participation.DeferralEscalationPayload
    | money.ContributionPayload
    | money.VestingPayload
    | money.ForfeiturePayload
    | compliance.HceStatusPayload
    | compliance.CompliancePayload,
    Field(discriminator="event_type"),
]


class SimulationEvent(BaseModel):
    """One simulation event: who, when, in which scenario and plan design, and what happened."""

    model_config = FROZEN

    event_id: UUID
    scenario_id: Identifier
    plan_design_id: Identifier
    employee_id: Identifier
    effective_date: date
    simulation_year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
    event_sequence: Annotated[int, Field(ge=1, le=2**31 - 1)]
    source_system: Identifier
    payload: Payload

    @property
    def event_type(self) -> EventType:
        return EventType(self.payload.event_type)

    @model_validator(mode="after")
    def _dates_consistent(self) -> SimulationEvent:
        if self.effective_date.year != self.simulation_year:
            raise field_error(
                "effective_date", f"is outside simulation_year {self.simulation_year}"
            )
        self.payload.check_dates(self.effective_date)
        return self
