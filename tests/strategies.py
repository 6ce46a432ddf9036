"""Hypothesis strategies for the event schema: one composite per payload type, and whole events.

Every strategy produces VALID data only; the constraint tests break one field at a time. Each
payload strategy takes the effective date, because some payload checks compare against it
(a hire's birth date, a termination's hire date, an eligibility's plan entry date). The
boundaries the schema must accept are drawn on purpose, not left to chance: rates exactly 0
and 1, amounts of 0.00, Feb 29 of leap years, Jan 1 and Dec 31.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from planalign_core.events import Employee, EventFactory, EventType, SimulationEvent
from planalign_core.events.types import (
    ContributionSource,
    EligibilityRule,
    EmployerSource,
    EnrollmentSource,
    LimitType,
    TerminationReason,
    VestingSchedule,
)

FIRST_YEAR, LAST_YEAR = 1901, 2199  # inside the envelope's 1900..2200
MAX_CENTS = 10**12  # $10 billion: well inside DECIMAL(18,2)
RATE_UNITS = 10_000  # 1.0000
U64 = 2**64 - 1
MAX_SEQUENCE = 2**31 - 1
Fields = dict[str, Any]

# --- values ---------------------------------------------------------------------------------


def cents_to_money(cents: int) -> Decimal:
    """Integer cents as a two-place Decimal (12345 -> 123.45)."""
    return Decimal(cents).scaleb(-2)


def units_to_rate(units: int) -> Decimal:
    """Integer basis units as a four-place Decimal (325 -> 0.0325, 10000 -> 1.0000)."""
    return Decimal(units).scaleb(-4)


def money_cents(min_cents: int = 0, max_cents: int = MAX_CENTS) -> st.SearchStrategy[int]:
    """Cents in [min, max], with both ends drawn on purpose."""
    return st.one_of(
        st.sampled_from(sorted({min_cents, max_cents})), st.integers(min_cents, max_cents)
    )


def money(min_cents: int = 0, max_cents: int = MAX_CENTS) -> st.SearchStrategy[Decimal]:
    """Money: 0.00 and the top are boundaries; other amounts are any whole number of cents."""
    return money_cents(min_cents, max_cents).map(cents_to_money)


def rate_units(min_units: int = 0, max_units: int = RATE_UNITS) -> st.SearchStrategy[int]:
    """Basis units in [min, max], with both ends drawn on purpose."""
    return st.one_of(
        st.sampled_from(sorted({min_units, max_units})), st.integers(min_units, max_units)
    )


def rates(min_units: int = 0, max_units: int = RATE_UNITS) -> st.SearchStrategy[Decimal]:
    """Rates: exactly 0 and exactly 1 are boundaries; others have up to four places."""
    return rate_units(min_units, max_units).map(units_to_rate)


def _boundary_dates() -> list[date]:
    years = (1904, 2000, 2023, 2024, 2100, 2196)  # leap, leap (400), plain, leap, not leap
    days = [date(y, 1, 1) for y in years] + [date(y, 12, 31) for y in years]
    return days + [date(y, 2, 29) for y in years if y % 4 == 0 and (y % 100 or y % 400 == 0)]


BOUNDARY_DATES = _boundary_dates()


def effective_dates() -> st.SearchStrategy[date]:
    """Dates of an event: year ends, year starts and leap days, or any day in range."""
    return st.one_of(
        st.sampled_from(BOUNDARY_DATES),
        st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)),
    )


def identifiers() -> st.SearchStrategy[str]:
    """Scenario, plan design and employee ids: 1 to 16 characters of any text, control
    characters included."""
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=16
    )


# --- one composite per payload type ---------------------------------------------------------


@st.composite
def hire_fields(draw: st.DrawFn, on: date) -> Fields:
    """A hire: born between 100 years and one day before the hire date."""
    return {
        "job_level": draw(st.integers(1, 99)),
        "annual_compensation": draw(money()),
        "birth_date": on - timedelta(days=draw(st.integers(1, 36_524))),
    }


@st.composite
def termination_fields(draw: st.DrawFn, on: date) -> Fields:
    """A termination: hired on the termination day itself or up to 60 years before."""
    return {
        "termination_reason": draw(st.sampled_from(TerminationReason)),
        "hire_date": on - timedelta(days=draw(st.integers(0, 21_915))),
    }


@st.composite
def promotion_fields(draw: st.DrawFn, on: date) -> Fields:
    """A promotion: strictly up a level, pay equal (the boundary) or higher."""
    from_level = draw(st.integers(1, 98))
    previous = draw(money_cents(0, MAX_CENTS // 2))
    return {
        "from_level": from_level,
        "to_level": draw(st.integers(from_level + 1, 99)),
        "previous_compensation": cents_to_money(previous),
        "new_compensation": cents_to_money(previous + draw(money_cents(0, MAX_CENTS // 2))),
    }


@st.composite
def merit_fields(draw: st.DrawFn, on: date) -> Fields:
    """A raise: new pay equal (a zero raise) or higher; merit and COLA rates in [0, 1]."""
    previous = draw(money_cents(0, MAX_CENTS // 2))
    return {
        "previous_compensation": cents_to_money(previous),
        "new_compensation": cents_to_money(previous + draw(money_cents(0, MAX_CENTS // 2))),
        "merit_rate": draw(rates()),
        "cola_rate": draw(rates()),
    }


@st.composite
def eligibility_fields(draw: st.DrawFn, on: date) -> Fields:
    """Eligibility: plan entry on the effective date (the boundary) or up to a year later."""
    return {
        "eligibility_rule": draw(st.sampled_from(EligibilityRule)),
        "plan_entry_date": on + timedelta(days=draw(st.integers(0, 366))),
    }


@st.composite
def enrollment_fields(draw: st.DrawFn, on: date) -> Fields:
    """An election: an opt-out carries zero rates; any other source a total in (0, 1]."""
    source = draw(st.sampled_from(EnrollmentSource))
    if source is EnrollmentSource.OPT_OUT:
        pre_tax = roth = 0
    else:
        total = draw(rate_units(1, RATE_UNITS))
        pre_tax = draw(rate_units(0, total))
        roth = total - pre_tax
    return {
        "pre_tax_rate": units_to_rate(pre_tax),
        "roth_rate": units_to_rate(roth),
        "enrollment_source": source,
    }


@st.composite
def deferral_escalation_fields(draw: st.DrawFn, on: date) -> Fields:
    """An escalation: previous < new <= cap <= 1 (from 0, to the cap, to 100% included)."""
    previous = draw(rate_units(0, RATE_UNITS - 1))
    new = draw(rate_units(previous + 1, RATE_UNITS))
    cap = draw(rate_units(new, RATE_UNITS))
    return {
        "previous_rate": units_to_rate(previous),
        "new_rate": units_to_rate(new),
        "rate_cap": units_to_rate(cap),
    }


@st.composite
def contribution_fields(draw: st.DrawFn, on: date) -> Fields:
    """A contribution: year-to-date at least the amount (equal is the first one of a year)."""
    amount = draw(money_cents(0, MAX_CENTS // 2))
    return {
        "contribution_source": draw(st.sampled_from(ContributionSource)),
        "amount": cents_to_money(amount),
        "ytd_amount": cents_to_money(amount + draw(money_cents(0, MAX_CENTS // 2))),
        "limit_applied": draw(st.none() | st.sampled_from(LimitType)),
    }


@st.composite
def vesting_fields(draw: st.DrawFn, on: date) -> Fields:
    """A vesting change: two different percentages in [0, 1] (0 -> 1 included)."""
    previous, vested = draw(
        st.one_of(
            st.just((0, RATE_UNITS)),
            st.lists(rate_units(), min_size=2, max_size=2, unique=True),
        )
    )
    return {
        "vesting_schedule": draw(st.sampled_from(VestingSchedule)),
        "years_of_service": draw(st.integers(0, 100)),
        "previous_vested_percentage": units_to_rate(previous),
        "vested_percentage": units_to_rate(vested),
    }


@st.composite
def forfeiture_fields(draw: st.DrawFn, on: date) -> Fields:
    """A forfeiture of employer money (0.00 included)."""
    return {
        "forfeiture_source": draw(st.sampled_from(EmployerSource)),
        "amount": draw(money()),
    }


@st.composite
def hce_status_fields(draw: st.DrawFn, on: date) -> Fields:
    """HCE status: the flag is lookback > threshold; pay exactly at the threshold is not HCE."""
    threshold = draw(money_cents(0, MAX_CENTS // 2))
    lookback = draw(
        st.one_of(st.just(threshold), money_cents(0, MAX_CENTS), st.just(threshold + 1))
    )
    return {
        "is_hce": lookback > threshold,
        "hce_threshold": cents_to_money(threshold),
        "lookback_compensation": cents_to_money(lookback),
    }


@st.composite
def compliance_fields(draw: st.DrawFn, on: date) -> Fields:
    """An IRS limit reached: the limit and the amount measured against it."""
    return {
        "limit_type": draw(st.sampled_from(LimitType)),
        "applicable_limit": draw(money()),
        "current_amount": draw(money()),
    }


PAYLOAD_FIELDS: dict[EventType, Callable[[date], st.SearchStrategy[Fields]]] = {
    EventType.HIRE: hire_fields,
    EventType.TERMINATION: termination_fields,
    EventType.PROMOTION: promotion_fields,
    EventType.MERIT: merit_fields,
    EventType.ELIGIBILITY: eligibility_fields,
    EventType.ENROLLMENT: enrollment_fields,
    EventType.DEFERRAL_ESCALATION: deferral_escalation_fields,
    EventType.CONTRIBUTION: contribution_fields,
    EventType.VESTING: vesting_fields,
    EventType.FORFEITURE: forfeiture_fields,
    EventType.HCE_STATUS: hce_status_fields,
    EventType.COMPLIANCE: compliance_fields,
}

# --- envelopes and events -------------------------------------------------------------------


def seeds() -> st.SearchStrategy[int]:
    """Run seeds: any unsigned 64-bit integer, both ends included."""
    return st.one_of(st.sampled_from([0, U64]), st.integers(0, U64))


def employee_keys() -> st.SearchStrategy[int]:
    """Employee keys: any unsigned 64-bit integer, both ends included."""
    return st.one_of(st.sampled_from([0, 1, 2**32 - 1, 2**32, U64]), st.integers(0, U64))


def factories() -> st.SearchStrategy[EventFactory]:
    """An event factory for a hypothesis-chosen seed, scenario and plan design."""
    return st.builds(
        EventFactory,
        scenario_id=identifiers(),
        plan_design_id=identifiers(),
        seed=seeds(),
    )


def employees() -> st.SearchStrategy[Employee]:
    return st.builds(Employee, employee_id=identifiers(), employee_key=employee_keys())


def sequences() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from([1, MAX_SEQUENCE]), st.integers(1, 64))


@st.composite
def events(
    draw: st.DrawFn,
    event_type: EventType | None = None,
    factory: EventFactory | None = None,
    employee: Employee | None = None,
) -> SimulationEvent:
    """A valid event built through :class:`EventFactory` (so its id is derived, not drawn)."""
    kind = event_type if event_type is not None else draw(st.sampled_from(EventType))
    on = draw(effective_dates())
    return (factory or draw(factories())).event(
        kind,
        employee or draw(employees()),
        on,
        sequence=draw(sequences()),
        **draw(PAYLOAD_FIELDS[kind](on)),
    )


def event_batches(max_size: int = 12) -> st.SearchStrategy[list[SimulationEvent]]:
    """Batches of valid events with distinct ids (a batch may mix scenarios and employees)."""
    return st.lists(events(), min_size=1, max_size=max_size, unique_by=lambda e: e.event_id)
