"""Exact value types shared by every payload: money, rates, and the closed vocabularies.

Money is ``Decimal`` with exactly two places (cents) and rates are ``Decimal`` with at most four
places in [0, 1]; floats (Python floats, and JSON numbers with a fraction, which parse as
floats) are rejected outright so no binary rounding can creep in: give a ``Decimal``, an ``int``
or a decimal string. The enums are ``StrEnum`` so their JSON, columnar and SQL forms are the
same plain strings.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, Strict
from pydantic_core import PydanticCustomError

MONEY_DIGITS = 18
MONEY_PLACES = 2
RATE_DIGITS = 5
RATE_PLACES = 4


def _exact(value: object) -> object:
    """Refuse binary floats (and bools) before they become an inexact ``Decimal``."""
    if isinstance(value, float | bool):
        raise PydanticCustomError(
            "inexact_number", "a float is not exact: give a Decimal or a decimal string"
        )
    return value


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES),
    BeforeValidator(_exact),
]
"""A non-negative amount in dollars with at most 2 decimal places."""

Rate = Annotated[
    Decimal,
    Field(ge=0, le=1, max_digits=RATE_DIGITS, decimal_places=RATE_PLACES),
    BeforeValidator(_exact),
]
"""A fraction in [0, 1] with at most 4 decimal places (0.0625 is 6.25%)."""

JobLevel = Annotated[int, Strict(), Field(ge=1, le=99)]
Years = Annotated[int, Strict(), Field(ge=0, le=100)]


class EventType(StrEnum):
    """The twelve payload types; the declaration order is the code and the within-day order."""

    HIRE = "hire"
    TERMINATION = "termination"
    PROMOTION = "promotion"
    MERIT = "merit"
    ELIGIBILITY = "eligibility"
    ENROLLMENT = "enrollment"
    DEFERRAL_ESCALATION = "deferral_escalation"
    CONTRIBUTION = "contribution"
    VESTING = "vesting"
    FORFEITURE = "forfeiture"
    HCE_STATUS = "hce_status"
    COMPLIANCE = "compliance"

    @property
    def code(self) -> int:
        """1-based code used in event identity and ordering (``docs/rules.md``)."""
        return list(EventType).index(self) + 1


class TerminationReason(StrEnum):
    VOLUNTARY = "voluntary"
    INVOLUNTARY = "involuntary"
    RETIREMENT = "retirement"
    DEATH = "death"
    DISABILITY = "disability"


class EligibilityRule(StrEnum):
    IMMEDIATE = "immediate"
    AGE_AND_SERVICE = "age_and_service"
    WAITING_PERIOD = "waiting_period"


class EnrollmentSource(StrEnum):
    AUTO = "auto"
    VOLUNTARY = "voluntary"
    OPT_OUT = "opt_out"


class ContributionSource(StrEnum):
    EMPLOYEE_PRE_TAX = "employee_pre_tax"
    EMPLOYEE_ROTH = "employee_roth"
    CATCH_UP = "catch_up"
    EMPLOYER_MATCH = "employer_match"
    TRUE_UP = "true_up"
    NON_ELECTIVE = "non_elective"


class EmployerSource(StrEnum):
    """Employer money that vests and can be forfeited."""

    EMPLOYER_MATCH = "employer_match"
    TRUE_UP = "true_up"
    NON_ELECTIVE = "non_elective"


class LimitType(StrEnum):
    """IRS limits: 402(g) deferrals, 415(c) annual additions, 401(a)(17) pay, catch-up."""

    DEFERRAL_402G = "402g_deferral"
    ANNUAL_ADDITIONS_415C = "415c_annual_additions"
    COMPENSATION_401A17 = "401a17_compensation"
    CATCH_UP = "catch_up"


class VestingSchedule(StrEnum):
    IMMEDIATE = "immediate"
    CLIFF = "cliff"
    GRADED = "graded"
