"""Exact value types shared by every payload: money, rates, and the closed vocabularies.

Money is ``Decimal`` with exactly two places (cents) and rates are ``Decimal`` with at most four
places in [0, 1]; floats (Python floats, and JSON numbers with a fraction, which parse as
floats) are rejected outright so no binary rounding can creep in (:class:`ExactDecimal`). The
enums are ``StrEnum`` so their JSON, columnar and SQL forms are the same plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, Strict, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MONEY_DIGITS = 18
MONEY_PLACES = 2
RATE_DIGITS = 5
RATE_PLACES = 4
# The longest scenario, plan design, employee or source id an event carries. The census, the
# configuration and ``simulate`` refuse a longer one up front, so a run never writes an event
# that ``validate``, ``ingest`` or ``export`` would then refuse.
IDENTIFIER_MAX_LENGTH = 128
# An event's simulation_year; a run's years must lie inside (``run_inputs.check_spec``).
MIN_YEAR, MAX_YEAR = 1900, 2200
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=IDENTIFIER_MAX_LENGTH)]


@dataclass(frozen=True)
class ExactDecimal:
    """``Annotated`` marker: a ``Decimal`` that never passes through a binary float.

    Accepted: a ``Decimal``, an ``int`` or a decimal string (Python); a string or an integer
    number (JSON). Refused: Python floats, bools, and JSON numbers with a fraction (pydantic
    parses those as floats, so ``12345678901234567.89`` would silently become ``...568``). The
    whole check is a pydantic-core schema: no Python call per value, which keeps batch
    validation fast. ``digits``/``places`` are also the column type (``DECIMAL(digits,places)``).
    """

    digits: int
    places: int
    maximum: Decimal | None = None

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        decimal = core_schema.decimal_schema(
            ge=Decimal(0), le=self.maximum, max_digits=self.digits, decimal_places=self.places
        )
        exact_json = core_schema.union_schema(
            [core_schema.str_schema(strict=True), core_schema.int_schema(strict=True)],
            custom_error_type="inexact_number",
            custom_error_message="give a decimal string or an integer: a JSON number with a "
            "fraction is a binary float and not exact",
        )
        exact_python = core_schema.union_schema(
            [
                core_schema.is_instance_schema(Decimal),
                core_schema.int_schema(strict=True),
                core_schema.str_schema(strict=True),
            ],
            custom_error_type="inexact_number",
            custom_error_message="a float is not exact: give a Decimal, an int or a decimal string",
        )
        return core_schema.json_or_python_schema(
            json_schema=core_schema.chain_schema([exact_json, decimal]),
            python_schema=core_schema.chain_schema([exact_python, decimal]),
            serialization=core_schema.to_string_ser_schema(when_used="json"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        pattern = rf"^\d{{1,{self.digits - self.places}}}(\.\d{{1,{self.places}}})?$"
        return {"type": "string", "pattern": pattern, "format": "decimal"}


Money = Annotated[Decimal, ExactDecimal(MONEY_DIGITS, MONEY_PLACES)]
"""A non-negative amount in dollars with at most 2 decimal places."""

Rate = Annotated[Decimal, ExactDecimal(RATE_DIGITS, RATE_PLACES, maximum=Decimal(1))]
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
    """Employer money that vests and can be forfeited: the employer's contribution sources,
    their values taken from ``ContributionSource`` (typed once)."""

    EMPLOYER_MATCH = ContributionSource.EMPLOYER_MATCH.value
    TRUE_UP = ContributionSource.TRUE_UP.value
    NON_ELECTIVE = ContributionSource.NON_ELECTIVE.value


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
