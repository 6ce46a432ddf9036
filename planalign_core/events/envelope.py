"""The envelope every event travels in, with its payload discriminated on ``event_type``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints, model_validator

from planalign_core.events.base import FROZEN, field_error
from planalign_core.events.compliance import CompliancePayload, HceStatusPayload
from planalign_core.events.money import ContributionPayload, ForfeiturePayload, VestingPayload
from planalign_core.events.participation import (
    DeferralEscalationPayload,
    EligibilityPayload,
    EnrollmentPayload,
)
from planalign_core.events.types import EventType
from planalign_core.events.workforce import (
    HirePayload,
    MeritPayload,
    PromotionPayload,
    TerminationPayload,
)

PAYLOAD_TYPES: dict[EventType, type[Any]] = {
    EventType.HIRE: HirePayload,
    EventType.TERMINATION: TerminationPayload,
    EventType.PROMOTION: PromotionPayload,
    EventType.MERIT: MeritPayload,
    EventType.ELIGIBILITY: EligibilityPayload,
    EventType.ENROLLMENT: EnrollmentPayload,
    EventType.DEFERRAL_ESCALATION: DeferralEscalationPayload,
    EventType.CONTRIBUTION: ContributionPayload,
    EventType.VESTING: VestingPayload,
    EventType.FORFEITURE: ForfeiturePayload,
    EventType.HCE_STATUS: HceStatusPayload,
    EventType.COMPLIANCE: CompliancePayload,
}

Payload = Annotated[
    HirePayload
    | TerminationPayload
    | PromotionPayload
    | MeritPayload
    | EligibilityPayload
    | EnrollmentPayload
    | DeferralEscalationPayload
    | ContributionPayload
    | VestingPayload
    | ForfeiturePayload
    | HceStatusPayload
    | CompliancePayload,
    Field(discriminator="event_type"),
]

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128)]
MIN_YEAR, MAX_YEAR = 1900, 2200


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
