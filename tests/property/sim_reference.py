"""A scalar reference of docs/rules.md, written from the document (plain Python, one employee
at a time, ``datetime.date`` and ``int`` only), to check the Polars engine event by event.

It shares nothing with the engine but the scalar primitives the rules name: ``rng.draw``,
``rng.bounded``, ``rng.threshold``, ``rng.weighted_choice`` and ``identity.derive_event_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from planalign_core.config import Config, month_day, units
from planalign_core.events.identity import derive_event_id
from planalign_core.rng import bounded, draw, text_key, threshold, weighted_choice

CODES = {
    "hire": 1,
    "termination": 2,
    "promotion": 3,
    "merit": 4,
    "eligibility": 5,
    "enrollment": 6,
    "deferral_escalation": 7,
}


def leap(y: int) -> bool:
    return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0


def days_in(y: int) -> int:
    return 366 if leap(y) else 365


def age(b: dt.date, d: dt.date) -> int:
    return d.year - b.year - (1 if (d.month, d.day) < (b.month, b.day) else 0)


def anniv(b: dt.date, years: int) -> dt.date:
    y = b.year + years
    if (b.month, b.day) == (2, 29) and not leap(y):
        return dt.date(y, 3, 1)
    return dt.date(y, b.month, b.day)


def rhu(a: int, q: int) -> int:
    return (a + q // 2) // q


def scale(c: int, r: int) -> int:
    return rhu(c * (10_000 + r), 10_000)


def band(entries: list[tuple[int, int]], x: int) -> int:
    return [value for low, value in entries if low <= x][-1]


def on(y: int, md: str) -> dt.date:
    return dt.date(y, *month_day(md))


def plan_entry(cfg: Config, birth: dt.date, hire: dt.date) -> dt.date:
    rule = cfg.eligibility
    wait = hire + dt.timedelta(days=rule.waiting_days)
    if rule.rule == "immediate":
        return hire
    if rule.rule == "waiting_period":
        return wait
    return max(anniv(birth, rule.min_age), wait)


@dataclass
class Emp:
    key: int
    id: str
    birth: dt.date
    hire: dt.date
    level: int
    cents: int
    entry: dt.date
    eligible: bool
    enrolled: bool
    deferral: int
    enrollment_year: int | None
    escalation_out: bool


@dataclass(frozen=True)
class Event:
    employee_id: str
    event_type: str
    date: dt.date
    sub: int
    payload: tuple[object, ...]


def money(cents: int) -> Decimal:
    return Decimal(cents) / 100


def rate(u: int) -> Decimal:
    return Decimal(u) / 10_000


def synthesize(n: int, seed: int, start_year: int, cfg: Config) -> list[dict[str, object]]:
    """Rules, "Synthesising a census"."""
    cy = start_year - 1
    census_day = dt.date(cy, 12, 31)
    rows = []
    for k in range(1, n + 1):

        def u(stream: int, k: int = k) -> int:
            return draw(seed, 0, k, 0, stream)

        lv = cfg.levels[weighted_choice(u(101), [units(x.census_weight) for x in cfg.levels])]
        a = lv.census_age_min + bounded(u(102), lv.census_age_max - lv.census_age_min + 1)
        birth = dt.date(cy - a, 1, 1) + dt.timedelta(days=bounded(u(103), days_in(cy - a)))
        m = min(lv.census_max_tenure, a - cfg.census.min_hire_age)
        tenure = min(bounded(u(104), m + 1), bounded(u(105), m + 1))
        hire = dt.date(cy - tenure, 1, 1) + dt.timedelta(days=bounded(u(106), days_in(cy - tenure)))
        pay = 100 * (lv.pay_min + bounded(u(107), lv.pay_max - lv.pay_min + 1))
        deferral = 0
        participation = units(cfg.census.initial_participation_rate)
        if plan_entry(cfg, birth, hire) <= census_day and u(108) < threshold(participation):
            choices = cfg.enrollment.voluntary.deferral_rates
            pick = weighted_choice(u(109), [units(c.weight) for c in choices])
            deferral = units(choices[pick].rate)
        rows.append(
            {
                "employee_id": f"E{k:07d}",
                "employee_key": k,
                "birth_date": birth,
                "hire_date": hire,
                "termination_date": None,
                "job_level": lv.level,
                "compensation_cents": pay,
                "deferral_units": deferral,
            }
        )
    return rows


def baseline(rows: list[dict[str, object]], cfg: Config, start_year: int) -> list[Emp]:
    """Rules, "Baseline workforce": the active employees' starting state."""
    census_day = dt.date(start_year - 1, 12, 31)
    state = []
    for r in rows:
        if r["termination_date"] is not None:
            continue
        birth, hire = r["birth_date"], r["hire_date"]
        assert isinstance(birth, dt.date) and isinstance(hire, dt.date)
        entry = plan_entry(cfg, birth, hire)
        deferral = int(r["deferral_units"])  # type: ignore[call-overload]
        state.append(
            Emp(
                key=int(r["employee_key"]),  # type: ignore[call-overload]
                id=str(r["employee_id"]),
                birth=birth,
                hire=hire,
                level=int(r["job_level"]),  # type: ignore[call-overload]
                cents=int(r["compensation_cents"]),  # type: ignore[call-overload]
                entry=entry,
                eligible=entry <= census_day or deferral > 0,
                enrolled=deferral > 0,
                deferral=deferral,
                enrollment_year=start_year - 1 if deferral > 0 else None,
                escalation_out=False,
            )
        )
    return sorted(state, key=lambda e: e.key)


@dataclass
class YearOut:
    events: list[tuple[object, ...]]
    state: list[Emp]


def simulate_year(state: list[Emp], cfg: Config, seed: int, scenario_id: str, y: int) -> YearOut:
    """Rules, "The simulation year", one employee at a time."""
    sk = text_key(scenario_id)
    start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    levels = {lv.level: lv for lv in cfg.levels}
    top = max(levels)
    term = cfg.terminations
    invol = units(term.involuntary_share)
    events: list[Event] = []
    ended: dict[int, dt.date] = {}

    def u(e: Emp, stream: int) -> int:
        return draw(seed, sk, e.key, y, stream)

    def active(e: Emp, d: dt.date) -> bool:
        return e.hire <= d and (e.key not in ended or d < ended[e.key])

    # experienced terminations
    terminated = 0
    for e in state:
        a, t = age(e.birth, start), age(e.hire, start)
        if a >= term.retirement_age:
            p, reason = units(term.retirement_rate), "retirement"
        else:
            by_tenure = band([(b.min_tenure, units(b.rate)) for b in term.tenure_bands], t)
            p = min(max(by_tenure + units(levels[e.level].termination_adjustment), 0), 10_000)
            reason = "involuntary" if u(e, 3) < threshold(invol) else "voluntary"
        if u(e, 1) < threshold(p):
            day = start + dt.timedelta(days=bounded(u(e, 2), days_in(y)))
            ended[e.key] = day
            terminated += 1
            events.append(Event(e.id, "termination", day, 1, (reason, e.hire)))
    # hires
    s = len(state)
    target = rhu(s * (10_000 + units(cfg.growth_rate)), 10_000)
    needed = target - (s - terminated)
    hires: list[Emp] = []
    leavers = 0
    if needed > 0:
        stay = 10_000 - units(term.new_hire_rate)
        count = -(-needed * 10_000 // stay)
        leavers = count - needed
        for ordinal in range(1, count + 1):
            key = y * 100_000_000 + ordinal
            probe = Emp(key, "", start, start, 1, 0, start, False, False, 0, None, False)
            hire = start + dt.timedelta(days=bounded(u(probe, 10), days_in(y)))
            pick = weighted_choice(u(probe, 11), [units(lv.hire_weight) for lv in cfg.levels])
            lv = cfg.levels[pick]
            a = cfg.hiring.age_min + bounded(
                u(probe, 12), cfg.hiring.age_max - cfg.hiring.age_min + 1
            )
            birth = dt.date(y - a, 1, 1) + dt.timedelta(days=bounded(u(probe, 13), days_in(y - a)))
            pay = 100 * (lv.pay_min + bounded(u(probe, 14), lv.pay_max - lv.pay_min + 1))
            emp = Emp(
                key,
                f"NH{y}_{ordinal:07d}",
                birth,
                hire,
                lv.level,
                pay,
                plan_entry(cfg, birth, hire),
                False,
                False,
                0,
                None,
                False,
            )
            hires.append(emp)
            events.append(Event(emp.id, "hire", hire, 1, (lv.level, money(pay), birth)))
    for e in sorted(hires, key=lambda h: (u(h, 4), h.key))[:leavers]:
        day = e.hire + dt.timedelta(days=bounded(u(e, 5), (end - e.hire).days + 1))
        ended[e.key] = day
        reason = "involuntary" if u(e, 3) < threshold(invol) else "voluntary"
        events.append(Event(e.id, "termination", day, 1, (reason, e.hire)))
    # pay: promotions, then merit and COLA
    comp = cfg.compensation
    promotion_day, merit_day = on(y, comp.promotion_date), on(y, comp.merit_date)
    after: dict[int, Emp] = {}
    for e in state:
        level, cents = e.level, e.cents
        if (
            active(e, promotion_day)
            and level < top
            and u(e, 20) < threshold(units(levels[level].promotion_rate))
        ):
            raised = max(scale(cents, units(comp.promotion_raise)), 100 * levels[level + 1].pay_min)
            events.append(
                Event(
                    e.id,
                    "promotion",
                    promotion_day,
                    1,
                    (level, level + 1, money(cents), money(raised)),
                )
            )
            level, cents = level + 1, raised
        spread = units(comp.merit_spread)
        merit = max(0, units(levels[level].merit_rate) + bounded(u(e, 21), 2 * spread + 1) - spread)
        cola = units(comp.cola_rate)
        if active(e, merit_day) and merit + cola > 0:
            new = scale(cents, merit + cola)
            events.append(
                Event(
                    e.id, "merit", merit_day, 1, (money(cents), money(new), rate(merit), rate(cola))
                )
            )
            cents = new
        after[e.key] = replace(e, level=level, cents=cents)
    # participation
    auto = cfg.enrollment.auto
    vol = cfg.enrollment.voluntary
    esc = cfg.escalation
    esc_day = on(y, esc.date)
    out: list[Emp] = []
    for e0 in [*state, *hires]:
        e = after.get(e0.key, e0)
        becomes = (not e0.eligible) and start <= e0.entry <= end and active(e0, e0.entry)
        if becomes:
            events.append(Event(e.id, "eligibility", e0.entry, 1, (cfg.eligibility.rule, e0.entry)))
        enrolled, deferral, year_enrolled = e0.enrolled, e0.deferral, e0.enrollment_year
        auto_enrolled = becomes and auto.enabled
        if auto_enrolled:
            default = units(auto.default_rate)
            events.append(Event(e.id, "enrollment", e0.entry, 1, (rate(default), rate(0), "auto")))
            enrolled, deferral, year_enrolled = True, default, y
            o = min(e0.entry + dt.timedelta(days=auto.opt_out_window_days), end)
            if u(e0, 30) < threshold(units(auto.opt_out_rate)) and active(e0, o):
                events.append(Event(e.id, "enrollment", o, 2, (rate(0), rate(0), "opt_out")))
                enrolled, deferral, year_enrolled = False, 0, e0.enrollment_year
        if not e0.enrolled and not auto_enrolled and (e0.eligible or becomes):
            w = start if e0.eligible else e0.entry
            ref = max(start, e0.hire)
            p = band([(b.min_age, units(b.rate)) for b in vol.age_bands], age(e0.birth, ref))
            p += band([(b.min_pay * 100, units(b.adjustment)) for b in vol.pay_bands], e0.cents)
            p = min(max(p, 0), 10_000)
            v = w + dt.timedelta(days=bounded(u(e0, 32), (end - w).days + 1))
            if u(e0, 31) < threshold(p) and active(e0, v):
                pick = weighted_choice(u(e0, 33), [units(c.weight) for c in vol.deferral_rates])
                chosen = units(vol.deferral_rates[pick].rate)
                events.append(Event(e.id, "enrollment", v, 1, (rate(chosen), rate(0), "voluntary")))
                enrolled, deferral, year_enrolled = True, chosen, y
        escalation_out = e0.escalation_out
        cap = units(esc.cap)
        if (
            esc.enabled
            and e0.key in after
            and e0.enrolled
            and not e0.escalation_out
            and e0.deferral < cap
            and e0.enrollment_year is not None
            and y >= e0.enrollment_year + esc.delay_years
            and active(e0, esc_day)
        ):
            if u(e0, 40) < threshold(units(esc.opt_out_rate)):
                escalation_out = True
            else:
                new = min(e0.deferral + units(esc.increment), cap)
                events.append(
                    Event(
                        e.id,
                        "deferral_escalation",
                        esc_day,
                        1,
                        (rate(e0.deferral), rate(new), rate(cap)),
                    )
                )
                deferral = new
        if e0.key not in ended:
            out.append(
                replace(
                    e,
                    eligible=e0.eligible or becomes,
                    enrolled=enrolled,
                    deferral=deferral,
                    enrollment_year=year_enrolled,
                    escalation_out=escalation_out,
                )
            )
    keys = {e.id: e.key for e in [*state, *hires]}
    return YearOut(_numbered(events, keys, seed, sk, y), sorted(out, key=lambda e: e.key))


def _numbered(
    events: list[Event], keys: dict[str, int], seed: int, sk: int, y: int
) -> list[tuple[object, ...]]:
    """Rules, "Order" and "Event identity": sequence and id of each event."""
    rows = []
    by_employee: dict[str, list[Event]] = {}
    for ev in events:
        by_employee.setdefault(ev.employee_id, []).append(ev)
    for employee, evs in by_employee.items():
        evs.sort(key=lambda ev: (ev.date, CODES[ev.event_type], ev.sub))
        for sequence, ev in enumerate(evs, start=1):
            event_id = derive_event_id(
                seed=seed,
                scenario_key=sk,
                employee_key=keys[employee],
                simulation_year=y,
                type_code=CODES[ev.event_type],
                event_sequence=sequence,
            )
            rows.append((str(event_id), employee, ev.event_type, ev.date, sequence, *ev.payload))
    return sorted(rows, key=lambda r: (r[1], r[4]))
