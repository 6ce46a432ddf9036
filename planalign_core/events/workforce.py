"""Workforce events: who joins, leaves, moves up and gets a raise."""

from __future__ import annotations

from datetime import date
from operator import ge, gt, le, lt
from typing import Any, Literal

from planalign_core.events.base import DateRule, PayloadBase, field_check
from planalign_core.events.types import JobLevel, Money, Rate, TerminationReason


def _no_pay_cut() -> Any:
    """The validator of both pay changes (promotion, merit): the new pay is never lower."""
    message = "must not be below previous_compensation"
    return field_check("new_compensation", lt, "previous_compensation", message)


class HirePayload(PayloadBase):
    """A new employee; the envelope's effective date is the hire date."""

    event_type: Literal["hire"] = "hire"
    job_level: JobLevel
    annual_compensation: Money
    birth_date: date

    _date_rule = DateRule("birth_date", ge, "must be before the hire (effective) date")


class TerminationPayload(PayloadBase):
    """An employee leaves; ``hire_date`` lets the event be checked on its own."""

    event_type: Literal["termination"] = "termination"
    termination_reason: TerminationReason
    hire_date: date

    _date_rule = DateRule("hire_date", gt, "termination (effective) date is before hire")


class PromotionPayload(PayloadBase):
    """A move to a higher job level with its new pay."""

    event_type: Literal["promotion"] = "promotion"
    from_level: JobLevel
    to_level: JobLevel
    previous_compensation: Money
    new_compensation: Money

    _moves_up = field_check("to_level", le, "from_level", "must be above from_level")
    _not_a_cut = _no_pay_cut()


class MeritPayload(PayloadBase):
    """The annual raise: merit plus cost-of-living adjustment."""

    event_type: Literal["merit"] = "merit"
    previous_compensation: Money
    new_compensation: Money
    merit_rate: Rate
    cola_rate: Rate

    _not_a_cut = _no_pay_cut()
