"""What every payload shares: immutability, no unknown fields, and a hook for checks that need
the envelope (a termination cannot precede the hire date it carries, ...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

FROZEN = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)


def field_error(field: str, message: str) -> PydanticCustomError:
    """An error about one field, raised from a model validator: the field path travels in the
    error context so batch reports can name it (``errors.EventValidationError``)."""
    return PydanticCustomError(
        "planalign_field", "{field}: {detail}", {"field": field, "detail": message}
    )


def field_check(field: str, fails: Callable[[Any, Any], bool], other: str, message: str) -> Any:
    """An ``after`` model validator comparing two fields of a payload: when
    ``fails(payload.field, payload.other)``, a :func:`field_error` naming ``payload.field``.
    The payloads that order two of their fields (pay after a raise, a level moved up, a rate
    within its cap, a year-to-date sum) state the rule in one line through it."""

    def check(payload: PayloadBase) -> PayloadBase:
        if fails(getattr(payload, field), getattr(payload, other)):
            raise field_error(f"payload.{field}", message)
        return payload

    return model_validator(mode="after")(check)


class DateRule(NamedTuple):
    """A date of the payload ordered against the envelope's effective date: when
    ``fails(payload.field, effective_date)``, a :func:`field_error` naming ``payload.field``."""

    field: str
    fails: Callable[[date, date], bool]
    message: str


class PayloadBase(BaseModel):
    """Base of the twelve payloads. The payloads that carry a date ordered against the
    envelope's (a birth, a hire, a plan entry) state the rule in one line, as ``_date_rule``."""

    model_config = FROZEN
    _date_rule: ClassVar[DateRule | None] = None

    def check_dates(self, effective_date: date) -> None:
        """Raise :func:`field_error` if a date of the payload contradicts the effective date."""
        rule = self._date_rule
        if rule is not None and rule.fails(getattr(self, rule.field), effective_date):
            raise field_error(f"payload.{rule.field}", rule.message)
