"""The event schema: envelope, twelve payloads, batch adapters, factories, columnar form."""

from planalign_core.events.adapters import (
    EVENTS_ADAPTER,
    dump_json,
    dump_jsonl,
    validate_json,
    validate_jsonl,
    validate_python,
)
from planalign_core.events.columnar import (
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    EVENT_TYPE_CODES,
    conform,
    empty_events_frame,
    events_to_frame,
    frame_to_events,
)
from planalign_core.events.compliance import CompliancePayload, HceStatusPayload
from planalign_core.events.envelope import PAYLOAD_TYPES, Payload, SimulationEvent
from planalign_core.events.factories import Employee, EventFactory
from planalign_core.events.identity import derive_event_id, with_event_ids
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

__all__ = [
    "EVENTS_ADAPTER",
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "EVENT_TYPE_CODES",
    "PAYLOAD_TYPES",
    "CompliancePayload",
    "ContributionPayload",
    "DeferralEscalationPayload",
    "EligibilityPayload",
    "Employee",
    "EnrollmentPayload",
    "EventFactory",
    "EventType",
    "ForfeiturePayload",
    "HceStatusPayload",
    "HirePayload",
    "MeritPayload",
    "Payload",
    "PromotionPayload",
    "SimulationEvent",
    "TerminationPayload",
    "VestingPayload",
    "conform",
    "derive_event_id",
    "dump_json",
    "dump_jsonl",
    "empty_events_frame",
    "events_to_frame",
    "frame_to_events",
    "validate_json",
    "validate_jsonl",
    "validate_python",
    "with_event_ids",
]
