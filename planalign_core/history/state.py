"""The pieces of a rebuilt history: the sources, integer helpers (cents, units, ``rhu``), the
state reported on a date, the carry between events, the run's parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planalign_core.config import Config
from planalign_core.rng import RATE_SCALE

EMPLOYEE_SOURCES = ("employee_pre_tax", "catch_up")
EMPLOYER_SOURCES = ("employer_match", "true_up", "non_elective")
SOURCES = (*EMPLOYEE_SOURCES, *EMPLOYER_SOURCES)
CENT = Decimal("0.01")
UNIT = Decimal("0.0001")
Segment = tuple[dt.date, dt.date, int, int, bool]  # b, e, pay, rate, in_plan


def rhu(a: int, q: int) -> int:
    return (a + q // 2) // q


def cents(value: Decimal | None) -> int:
    return 0 if value is None else int(value * 100)


def rate_units(value: Decimal | None) -> int:
    return 0 if value is None else int(value * RATE_SCALE)


def age(born: dt.date, on: dt.date) -> int:
    """``age(b, d)``: completed years."""
    before = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before)


@dataclass(frozen=True)
class State:
    """A participant on one date (money in cents, rates in units)."""

    employee_id: str
    as_of: dt.date
    status: str  # "not_hired", "active" or "terminated"
    job_level: int | None
    compensation: int
    deferral_rate: int
    is_hce: bool
    vested_percentage: int
    balances: dict[str, int]
    vested_balances: dict[str, int]
    ytd_deferrals: int = 0

    @property
    def employee_balance(self) -> int:
        return sum(self.balances[s] for s in EMPLOYEE_SOURCES)

    @property
    def employer_balance(self) -> int:
        return sum(self.balances[s] for s in EMPLOYER_SOURCES)

    @property
    def total_balance(self) -> int:
        return self.employee_balance + self.employer_balance

    @property
    def vested_balance(self) -> int:
        return sum(self.vested_balances.values())

    def as_dict(self) -> dict[str, Any]:
        """Output form: money as Decimal dollars, rates as Decimal fractions."""
        return {
            "employee_id": self.employee_id,
            "as_of": self.as_of,
            "status": self.status,
            "job_level": self.job_level,
            "annual_compensation": Decimal(self.compensation) * CENT,
            "deferral_rate": Decimal(self.deferral_rate) * UNIT,
            "is_hce": self.is_hce,
            "vested_percentage": Decimal(self.vested_percentage) * UNIT,
            "ytd_deferrals": Decimal(self.ytd_deferrals) * CENT,
            "employee_balance": Decimal(self.employee_balance) * CENT,
            "employer_balance": Decimal(self.employer_balance) * CENT,
            "total_balance": Decimal(self.total_balance) * CENT,
            "vested_balance": Decimal(self.vested_balance) * CENT,
        }


@dataclass
class _Carry:
    """What one year hands to the next."""

    level: int
    pay: int
    rate: int
    in_plan: bool
    is_hce: bool = False
    balances: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))


@dataclass(frozen=True)
class Run:
    """The run's parameters recorded in ``run_metadata``."""

    config: Config
    start_year: int
    years: int

    @property
    def census_date(self) -> dt.date:
        return dt.date(self.start_year - 1, 12, 31)
