"""A participant's history rebuilt from its events (rules, "History reconstruction").

The one consumer of ``fct_yearly_events`` as stored. The starting point is the participant's row
of ``int_baseline_workforce`` (the census is not an event) and the rules' numbers come from the
run's configuration recorded in ``run_metadata``; everything that happens after the census date
is read from the events: level, pay and deferral rate from the workforce and participation
events, contributions and forfeitures from the money events. The daily deferral accrual and the
year-end investment return are recomputed from the rules, in plain Python integers: an
independent translation, so that agreeing with the engine's tables is evidence, not tautology.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import polars as pl

from planalign_core.config import Config, units
from planalign_core.errors import StoreError
from planalign_core.rng import RATE_SCALE
from planalign_core.rules.limits import year_limits
from planalign_core.store import Database

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


class History:
    """One participant's events and starting row, and its state on any date."""

    def __init__(
        self, employee_id: str, run: Run, baseline: dict[str, Any] | None, events: pl.DataFrame
    ) -> None:
        self.employee_id = employee_id
        self.run = run
        self.config = run.config
        self.events = events.sort("simulation_year", "event_sequence")
        rows = self.events.to_dicts()
        self._by_year: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            self._by_year.setdefault(row["simulation_year"], []).append(row)
        hire = next((r for r in rows if r["event_type"] == "hire"), None)
        if baseline is not None:
            self.birth_date: dt.date = baseline["birth_date"]
            self.hire_date: dt.date = baseline["hire_date"]
            self.first_year = run.start_year
            self._start = _Carry(
                level=int(baseline["job_level"]),
                pay=cents(baseline["annual_compensation"]),
                rate=rate_units(baseline["deferral_rate"]),
                in_plan=bool(baseline["is_eligible"]),
            )
        elif hire is not None:
            self.birth_date = hire["birth_date"]
            self.hire_date = hire["effective_date"]
            self.first_year = hire["simulation_year"]
            self._start = _Carry(
                level=int(hire["job_level"]),
                pay=cents(hire["annual_compensation"]),
                rate=0,
                in_plan=False,
            )
        else:
            raise StoreError(f"employee {employee_id!r}: no baseline row and no hire event")
        termination = next((r for r in rows if r["event_type"] == "termination"), None)
        self.termination_date: dt.date | None = (
            None if termination is None else termination["effective_date"]
        )

    # --- vesting ---------------------------------------------------------------------------

    def _pct(self, service: int) -> int:
        vesting = self.config.vesting
        if vesting.schedule == "immediate":
            return RATE_SCALE
        if vesting.schedule == "cliff":
            return RATE_SCALE if service >= vesting.cliff_years else 0
        found = 0
        for step in vesting.graded:
            if service >= step.years:
                found = units(step.percent)
        return found

    def vested_on(self, day: dt.date) -> int:
        """The vested percentage on ``day``: the last vesting event on or before it, else the
        percentage the participant entered the run with."""
        found = None
        for row in self.events.iter_rows(named=True):
            if row["event_type"] == "vesting" and row["effective_date"] <= day:
                found = rate_units(row["vested_percentage"])
        if found is not None:
            return found
        entered = self.run.census_date if self.first_year == self.run.start_year else self.hire_date
        return self._pct(max(0, age(self.hire_date, min(entered, day))))

    # --- the timeline of one year ----------------------------------------------------------

    def _segments(self, year: int, carry: _Carry, s: dt.date, x: dt.date) -> list[Segment]:
        """``(b, e, pay, rate, in_plan)`` per segment of ``year`` (rules, "Segments")."""
        changes: dict[dt.date, list[dict[str, Any]]] = {}
        for row in self._by_year.get(year, []):
            if row["event_type"] in (
                "promotion",
                "merit",
                "eligibility",
                "enrollment",
                "deferral_escalation",
            ):
                changes.setdefault(row["effective_date"], []).append(row)
        pay, rate, in_plan = carry.pay, carry.rate, carry.in_plan
        out: list[Segment] = []
        bounds = sorted({s, x, *changes})
        for b, e in itertools.pairwise(bounds):
            for row in changes.get(b, []):
                kind = row["event_type"]
                if kind in ("promotion", "merit"):
                    pay = cents(row["new_compensation"])
                elif kind == "enrollment":
                    rate = rate_units(row["pre_tax_rate"]) + rate_units(row["roth_rate"])
                elif kind == "deferral_escalation":
                    rate = rate_units(row["new_rate"])
                else:
                    in_plan = True
            out.append((b, e, pay, rate, in_plan))
        return out

    def _deferrals(self, year: int, segments: list[Segment], upto: dt.date) -> int:
        """``DT(t)`` for ``t = upto``: the capped cumulative deferrals (rules, "Employee
        deferrals"), walking the segments in date order."""
        days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        lim = year_limits(self.config, year)
        cap = lim.compensation_401a17 * days
        limits = self.config.limits
        a = age(self.birth_date, dt.date(year, 12, 31))
        if limits.catch_up_60_63_min_age <= a <= limits.catch_up_60_63_max_age:
            catch_up = lim.catch_up_60_63
        elif a >= limits.catch_up_age:
            catch_up = lim.catch_up
        else:
            catch_up = 0
        up = n = 0
        for b, e, pay, rate, in_plan in segments:
            if b > upto:
                break
            counted = (min(e - dt.timedelta(days=1), upto) - b).days + 1
            before = min(up, cap)
            if in_plan:
                up += pay * counted
            n += rate * (min(up, cap) - before)
        return min(rhu(n, RATE_SCALE * days), lim.deferral_402g + catch_up)

    # --- years -----------------------------------------------------------------------------

    def _years(self) -> Iterator[tuple[int, _Carry, _Carry, dict[str, Any]]]:
        """Per year: the carry at its start and end, and the year's money facts."""
        carry = replace(self._start, balances=dict(self._start.balances))
        g = units(self.config.investment.return_rate)
        for year in range(self.first_year, self.run.start_year + self.run.years):
            rows = self._by_year.get(year, [])
            start = replace(carry, balances=dict(carry.balances))
            flows = dict.fromkeys(SOURCES, 0)
            forfeits = dict.fromkeys(SOURCES, 0)
            credited: dt.date | None = None
            terminated = False
            for row in rows:
                kind = row["event_type"]
                if kind == "promotion":
                    carry.level = int(row["to_level"])
                    carry.pay = cents(row["new_compensation"])
                elif kind == "merit":
                    carry.pay = cents(row["new_compensation"])
                elif kind == "enrollment":
                    carry.rate = rate_units(row["pre_tax_rate"]) + rate_units(row["roth_rate"])
                elif kind == "deferral_escalation":
                    carry.rate = rate_units(row["new_rate"])
                elif kind == "eligibility":
                    carry.in_plan = True
                elif kind == "contribution":
                    flows[row["contribution_source"]] += cents(row["amount"])
                    credited = row["effective_date"]
                elif kind == "forfeiture":
                    forfeits[row["forfeiture_source"]] += cents(row["amount"])
                elif kind == "hce_status":
                    carry.is_hce = bool(row["is_hce"])
                elif kind == "termination":
                    terminated = True
            returns = dict.fromkeys(SOURCES, 0)
            if not terminated:
                for source in SOURCES:
                    begin, flow = start.balances[source], flows[source]
                    returns[source] = (
                        rhu(begin * (RATE_SCALE + g), RATE_SCALE)
                        - begin
                        + rhu(flow * (2 * RATE_SCALE + g), 2 * RATE_SCALE)
                        - flow
                    )
            for source in SOURCES:
                carry.balances[source] = (
                    start.balances[source] + flows[source] + returns[source] - forfeits[source]
                )
            facts = {
                "flows": flows,
                "forfeits": forfeits,
                "returns": returns,
                "credited": credited,
                "terminated": terminated,
            }
            yield year, start, carry, facts
            if terminated:
                return
            carry = replace(carry, balances=dict(carry.balances))

    def state_as_of(self, day: dt.date) -> State:
        """The participant's state at the end of ``day``: a day after the run's last year is
        refused (the run says nothing about it; showing the last state would invent one)."""
        last_year = self.run.start_year + self.run.years - 1
        if day.year > last_year:
            raise StoreError(
                f"--as-of {day}: after the simulated years {self.run.start_year}-{last_year}; "
                f"ask for a date up to {last_year}-12-31"
            )
        if day < self.hire_date:
            return self._state(day, "not_hired", None, _Carry(0, 0, 0, False))
        if day.year < self.first_year:  # on or before the census date: no money yet
            return self._state(day, "active", self._start.level, self._start)
        last: tuple[_Carry, dict[str, Any]] | None = None
        for year, start, end, facts in self._years():
            last = (end, facts)
            if year == day.year:
                return self._within(day, year, start, end, facts)
        if last is None:
            raise StoreError(f"employee {self.employee_id!r}: no simulated year")
        end, facts = last
        return self._closed(day, "terminated" if facts["terminated"] else "active", end)

    def _within(
        self, day: dt.date, year: int, start: _Carry, end: _Carry, facts: dict[str, Any]
    ) -> State:
        s = max(dt.date(year, 1, 1), self.hire_date)
        leaves = self.termination_date if facts["terminated"] else None
        x = leaves if leaves is not None else dt.date(year + 1, 1, 1)
        segments = self._segments(year, start, s, x)
        if leaves is not None and day >= leaves:  # the year's deferrals stay its YTD
            ytd = self._deferrals(year, segments, leaves)
            return self._closed(day, "terminated", end, ytd=ytd)
        # level, pay, rate and HCE status from the events dated on or before the day
        carry = replace(start, balances=dict(start.balances))
        for row in self._by_year.get(year, []):
            if row["effective_date"] > day:
                continue
            kind = row["event_type"]
            if kind == "promotion":
                carry.level = int(row["to_level"])
                carry.pay = cents(row["new_compensation"])
            elif kind == "merit":
                carry.pay = cents(row["new_compensation"])
            elif kind == "enrollment":
                carry.rate = rate_units(row["pre_tax_rate"]) + rate_units(row["roth_rate"])
            elif kind == "deferral_escalation":
                carry.rate = rate_units(row["new_rate"])
            elif kind == "hce_status":
                carry.is_hce = bool(row["is_hce"])
        ytd = self._deferrals(year, segments, day)
        if day == dt.date(year, 12, 31):
            closing = replace(end, level=carry.level, pay=carry.pay)
            return self._closed(day, "active", closing, ytd=ytd)
        balances = dict(start.balances)
        pre_tax = min(ytd, year_limits(self.config, year).deferral_402g)
        balances["employee_pre_tax"] += pre_tax
        balances["catch_up"] += ytd - pre_tax
        if facts["credited"] is not None and day >= facts["credited"]:
            for source in EMPLOYER_SOURCES:
                balances[source] += facts["flows"][source]
        return self._state(day, "active", carry.level, carry, balances, ytd=ytd)

    def _closed(self, day: dt.date, status: str, end: _Carry, *, ytd: int = 0) -> State:
        """The state at a year's close: the year end, or on and after a termination (``ytd``
        is that year's deferrals there, as on the snapshot row; 0 in a later year)."""
        return self._state(day, status, end.level, end, dict(end.balances), ytd=ytd)

    def _state(
        self,
        day: dt.date,
        status: str,
        level: int | None,
        carry: _Carry,
        balances: dict[str, int] | None = None,
        *,
        ytd: int | None = None,
    ) -> State:
        money = balances if balances is not None else dict.fromkeys(SOURCES, 0)
        if status == "terminated" and self.termination_date is not None:
            vest = self.vested_on(self.termination_date - dt.timedelta(days=1))
            vested = dict(money)
        else:
            vest = self.vested_on(day) if status != "not_hired" else 0
            vested = {
                s: (money[s] if s in EMPLOYEE_SOURCES else rhu(money[s] * vest, RATE_SCALE))
                for s in SOURCES
            }
        return State(
            employee_id=self.employee_id,
            as_of=day,
            status=status,
            job_level=level,
            compensation=carry.pay,
            deferral_rate=carry.rate,
            is_hce=carry.is_hce,
            vested_percentage=vest,
            balances=money,
            vested_balances=vested,
            ytd_deferrals=0 if ytd is None else ytd,
        )


# --- reading from the database ----------------------------------------------------------------


def read_run(db: Database, scenario_id: str) -> Run:
    """The run's configuration and years from ``run_metadata``."""
    if not db.has_table("run_metadata"):
        raise StoreError(f"table run_metadata does not exist in {db.path}: run a simulation first")
    rows = db.execute(
        "SELECT config_json, start_year, years FROM run_metadata WHERE scenario_id = ?",
        [scenario_id],
    )
    if not rows:
        raise StoreError(f"scenario {scenario_id!r} is not in {db.path}")
    config_text, start_year, years = rows[0]
    return Run(Config.model_validate(json.loads(config_text)), int(start_year), int(years))


def load_history(db: Database, employee_id: str, scenario_id: str = "default") -> History:
    """One participant's history from the database (parameterised queries only)."""
    run = read_run(db, scenario_id)
    baseline = db.query(
        "SELECT birth_date, hire_date, job_level, annual_compensation, deferral_rate, "
        "is_eligible FROM int_baseline_workforce "
        "WHERE scenario_id = ? AND employee_id = ? AND is_active",
        [scenario_id, employee_id],
    )
    events = db.read_events("WHERE scenario_id = ? AND employee_id = ?", [scenario_id, employee_id])
    if baseline.height == 0 and events.height == 0:
        raise StoreError(f"employee {employee_id!r} is not in scenario {scenario_id!r}")
    return History(
        employee_id, run, baseline.row(0, named=True) if baseline.height else None, events
    )


def state_as_of(
    db: Database, employee_id: str, as_of: dt.date, scenario_id: str = "default"
) -> State:
    """Rules, "History reconstruction": the participant's state at the end of ``as_of``."""
    return load_history(db, employee_id, scenario_id).state_as_of(as_of)
