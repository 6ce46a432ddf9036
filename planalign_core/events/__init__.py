"""The event schema: envelope, twelve payloads, batch adapters, factories, columnar form.

The names below are imported on first use (PEP 562): importing one submodule, e.g.
``planalign_core.events.columnar`` for a simulation, does not build the batch adapters.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES: dict[str, str] = {
    "CompliancePayload": "planalign_core.events.compliance",
    "ContributionPayload": "planalign_core.events.money",
    "DeferralEscalationPayload": "planalign_core.events.participation",
    "EVENTS_ADAPTER": "planalign_core.events.adapters",
    "EVENT_COLUMNS": "planalign_core.events.columnar",
    "EVENT_SCHEMA": "planalign_core.events.columnar",
    "EVENT_TYPE_CODES": "planalign_core.events.columnar",
    "EligibilityPayload": "planalign_core.events.participation",
    "Employee": "planalign_core.events.factories",
    "EnrollmentPayload": "planalign_core.events.participation",
    "EventFactory": "planalign_core.events.factories",
    "EventType": "planalign_core.events.types",
    "ForfeiturePayload": "planalign_core.events.money",
    "HceStatusPayload": "planalign_core.events.compliance",
    "HirePayload": "planalign_core.events.workforce",
    "MeritPayload": "planalign_core.events.workforce",
    "PAYLOAD_TYPES": "planalign_core.events.envelope",
    "Payload": "planalign_core.events.envelope",
    "PromotionPayload": "planalign_core.events.workforce",
    "SimulationEvent": "planalign_core.events.envelope",
    "TerminationPayload": "planalign_core.events.workforce",
    "VestingPayload": "planalign_core.events.money",
    "conform": "planalign_core.events.columnar",
    "derive_event_id": "planalign_core.events.identity",
    "dump_json": "planalign_core.events.adapters",
    "dump_jsonl": "planalign_core.events.adapters",
    "empty_events_frame": "planalign_core.events.columnar",
    "events_to_frame": "planalign_core.events.columnar",
    "frame_to_events": "planalign_core.events.columnar",
    "validate_json": "planalign_core.events.adapters",
    "validate_jsonl": "planalign_core.events.adapters",
    "validate_python": "planalign_core.events.adapters",
    "with_event_ids": "planalign_core.events.identity",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'planalign_core.events' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


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
