"""The value types of the configuration: exact rates (at most 4 places, as integer basis units
through :func:`units`), month-days, whole dollars and years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from planalign_core.rng import RATE_SCALE
from planalign_core.rules.bounds import MAX_PAY_DOLLARS


def _to_decimal(value: object) -> object:
    """Numbers and numeric text become exact decimals; floats go through their shortest text."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | str):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    return value


MAX_RATE_DIGITS = 12


def _places(places: int) -> Any:
    def check(value: Decimal) -> Decimal:
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        # past 10**12 no rate of the rules can be meant (their bounds are single digits), and
        # the exact arithmetic below would round: 28 digits is Decimal's precision
        if value.adjusted() >= MAX_RATE_DIGITS:
            raise ValueError(f"{value} is far too large for a rate")
        if value != value.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"{value} has more than {places} decimal places")
        # One text per value (rules, "config hash"): 0.030, 0.03 and 3E-2 are all "0.03";
        # no exponent, no trailing zero, 0 never negative.
        return Decimal(format(value.normalize(), "f")) + 0

    return AfterValidator(check)


def _month_day(value: str) -> str:
    try:
        dt.date(2023, int(value[:2]), int(value[3:]))  # a non-leap year: "02-29" is refused
    except ValueError:
        raise ValueError(f"{value!r} is not a month-day MM-DD valid in every year") from None
    return value


Rate = Annotated[Decimal, BeforeValidator(_to_decimal), _places(4)]
Probability = Annotated[Rate, Field(ge=0, le=1)]
SignedRate = Annotated[Rate, Field(ge=-1, le=1)]
MonthDay = Annotated[str, Field(pattern=r"^\d{2}-\d{2}$"), AfterValidator(_month_day)]
Dollars = Annotated[int, Field(ge=0, le=MAX_PAY_DOLLARS, strict=True)]
Years = Annotated[int, Field(ge=0, le=150, strict=True)]


def units(rate: Decimal) -> int:
    """A rate as integer basis units of 1/10000 (exact: rates carry at most 4 places)."""
    return int(rate * RATE_SCALE)


def month_day(value: str) -> tuple[int, int]:
    """``"MM-DD"`` as ``(month, day)``."""
    return int(value[:2]), int(value[3:])
