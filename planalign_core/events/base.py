"""What every payload shares: immutability, no unknown fields, and a hook for checks that need
the envelope (a termination cannot precede the hire date it carries, ...)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

FROZEN = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def field_error(field: str, message: str) -> PydanticCustomError:
    """An error about one field, raised from a model validator: the field path travels in the
    error context so batch reports can name it (``errors.EventValidationError``)."""
    return PydanticCustomError(
        "planalign_field", "{field}: {detail}", {"field": field, "detail": message}
    )


class PayloadBase(BaseModel):
    """Base of the twelve payloads."""

    model_config = FROZEN

    def check_dates(self, effective_date: date) -> None:
        """Raise :func:`field_error` if a date of the payload contradicts the effective date."""
