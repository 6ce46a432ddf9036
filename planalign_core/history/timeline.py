"""One participant's timeline: its events applied in order, the deferrals accrued day by day, the
balances year by year, and its state on any date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import polars as pl

from planalign_core.config import units
from planalign_core.errors import StoreError
from planalign_core.history.state import (
    EMPLOYEE_SOURCES,
    EMPLOYER_SOURCES,
    SOURCES,
    Run,
    Segment,
    State,
    _Carry,
    age,
    cents,
    rate_units,
    rhu,
)
from planalign_core.rng import RATE_SCALE
from planalign_core.rules.limits import year_limits


def _apply(carry: _Carry, row: dict[str, Any]) -> None:
    """An event's effect on level, pay, deferral rate, plan entry and HCE status (the money
    events are summed by the caller)."""
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
    elif kind == "hce_status":
        carry.is_hce = bool(row["is_hce"])


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
                _apply(carry, row)
                kind = row["event_type"]
                if kind == "contribution":
                    flows[row["contribution_source"]] += cents(row["amount"])
                    credited = row["effective_date"]
                elif kind == "forfeiture":
                    forfeits[row["forfeiture_source"]] += cents(row["amount"])
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
            if row["effective_date"] <= day:
                _apply(carry, row)
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
