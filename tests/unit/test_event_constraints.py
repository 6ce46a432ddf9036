"""Every constraint of the event schema rejects what breaks it, naming the event, field and reason.

Field constraints are checked on one fixed valid event per type, broken one field at a time.
Cross-field rules (model validators) are checked on hypothesis-chosen valid events: whatever the
event, breaking the rule is rejected and the message names the field. Batch entry points
(``validate_json``, ``validate_jsonl``, ``validate_python``, ``frame_to_events``) must name the
event's position and reject the whole batch.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.errors import EventValidationError
from planalign_core.events import (
    Employee,
    EventFactory,
    EventType,
    SimulationEvent,
    dump_json,
    dump_jsonl,
    events_to_frame,
    frame_to_events,
    validate_json,
    validate_jsonl,
    validate_python,
)
from tests.strategies import event_batches, events

Problems = list[tuple[str, str, str]]
D = Decimal
FACTORY = EventFactory("baseline", "standard", seed=42)
EMPLOYEE = Employee("E0000001", 1)
ON = date(2024, 2, 29)

VALID_FIELDS: dict[EventType, dict[str, Any]] = {
    EventType.HIRE: {
        "job_level": 2,
        "annual_compensation": D("85000.00"),
        "birth_date": date(1990, 5, 17),
    },
    EventType.TERMINATION: {"termination_reason": "voluntary", "hire_date": date(2019, 3, 1)},
    EventType.PROMOTION: {
        "from_level": 2,
        "to_level": 3,
        "previous_compensation": D("85000.00"),
        "new_compensation": D("95000.00"),
    },
    EventType.MERIT: {
        "previous_compensation": D("85000.00"),
        "new_compensation": D("88000.00"),
        "merit_rate": D("0.0300"),
        "cola_rate": D("0.0050"),
    },
    EventType.ELIGIBILITY: {"eligibility_rule": "immediate", "plan_entry_date": ON},
    EventType.ENROLLMENT: {
        "pre_tax_rate": D("0.06"),
        "roth_rate": D("0"),
        "enrollment_source": "auto",
    },
    EventType.DEFERRAL_ESCALATION: {
        "previous_rate": D("0.06"),
        "new_rate": D("0.07"),
        "rate_cap": D("0.10"),
    },
    EventType.CONTRIBUTION: {
        "contribution_source": "employee_pre_tax",
        "amount": D("500.00"),
        "ytd_amount": D("1500.00"),
    },
    EventType.VESTING: {
        "vesting_schedule": "graded",
        "years_of_service": 3,
        "previous_vested_percentage": D("0.4"),
        "vested_percentage": D("0.6"),
    },
    EventType.FORFEITURE: {"forfeiture_source": "employer_match", "amount": D("1234.56")},
    EventType.HCE_STATUS: {
        "is_hce": True,
        "hce_threshold": D("155000.00"),
        "lookback_compensation": D("160000.00"),
    },
    EventType.COMPLIANCE: {
        "limit_type": "402g_deferral",
        "applicable_limit": D("23500.00"),
        "current_amount": D("23500.00"),
    },
}


def valid(event_type: EventType) -> dict[str, Any]:
    """The fixed valid event of a type, as a Python mapping (envelope + payload)."""
    event = FACTORY.event(event_type, EMPLOYEE, ON, **VALID_FIELDS[event_type])
    return event.model_dump()


def problems_of(objects: list[Any]) -> Problems:
    """The problems ``validate_python`` reports for a batch that must be rejected."""
    with pytest.raises(EventValidationError) as info:
        validate_python(objects)
    return info.value.problems


def assert_names(problems: Problems, field: str, reason: str) -> None:
    """Some problem names exactly ``field`` and gives a reason containing ``reason``."""
    assert any(f == field and reason in r for _, f, r in problems), problems


def test_every_valid_fixture_is_accepted() -> None:
    """The fixed events the field-constraint cases break are valid to begin with."""
    objects = [valid(t) for t in EventType]
    assert [e.event_type for e in validate_python(objects)] == list(EventType)


# --- field constraints: (type, path, bad value, field named, reason) ------------------------

FIELD_CASES: list[tuple[str, EventType, tuple[str, ...], Any, str, str]] = [
    # money: exact decimals only, two places, non-negative, 18 digits
    (
        "money-python-float",
        EventType.HIRE,
        ("payload", "annual_compensation"),
        85000.5,
        "payload.annual_compensation",
        "float",
    ),
    (
        "money-3-places",
        EventType.FORFEITURE,
        ("payload", "amount"),
        D("1.005"),
        "payload.amount",
        "no more than 2 decimal places",
    ),
    (
        "money-negative",
        EventType.FORFEITURE,
        ("payload", "amount"),
        D("-0.01"),
        "payload.amount",
        "greater than or equal to 0",
    ),
    (
        "money-19-digits",
        EventType.COMPLIANCE,
        ("payload", "applicable_limit"),
        D("10000000000000000.00"),
        "payload.applicable_limit",
        "no more than 16 digits before the decimal point",
    ),
    (
        "money-nan",
        EventType.COMPLIANCE,
        ("payload", "current_amount"),
        D("NaN"),
        "payload.current_amount",
        "finite",
    ),
    (
        "money-bool",
        EventType.CONTRIBUTION,
        ("payload", "amount"),
        True,
        "payload.amount",
        "not exact",
    ),
    # rates: exact decimals in [0, 1] with four places at most
    (
        "rate-python-float",
        EventType.MERIT,
        ("payload", "merit_rate"),
        0.03,
        "payload.merit_rate",
        "float",
    ),
    (
        "rate-5-places",
        EventType.MERIT,
        ("payload", "cola_rate"),
        D("0.00125"),
        "payload.cola_rate",
        "no more than 4 decimal places",
    ),
    (
        "rate-above-1",
        EventType.DEFERRAL_ESCALATION,
        ("payload", "rate_cap"),
        D("1.0001"),
        "payload.rate_cap",
        "less than or equal to 1",
    ),
    (
        "rate-negative",
        EventType.VESTING,
        ("payload", "previous_vested_percentage"),
        D("-0.0001"),
        "payload.previous_vested_percentage",
        "greater than or equal to 0",
    ),
    # integers: strict, in range
    (
        "job-level-0",
        EventType.HIRE,
        ("payload", "job_level"),
        0,
        "payload.job_level",
        "greater than or equal to 1",
    ),
    (
        "job-level-100",
        EventType.PROMOTION,
        ("payload", "to_level"),
        100,
        "payload.to_level",
        "less than or equal to 99",
    ),
    (
        "job-level-text",
        EventType.HIRE,
        ("payload", "job_level"),
        "2",
        "payload.job_level",
        "valid integer",
    ),
    (
        "years-101",
        EventType.VESTING,
        ("payload", "years_of_service"),
        101,
        "payload.years_of_service",
        "less than or equal to 100",
    ),
    # closed vocabularies
    (
        "unknown-termination-reason",
        EventType.TERMINATION,
        ("payload", "termination_reason"),
        "fired",
        "payload.termination_reason",
        "'voluntary'",
    ),
    (
        "unknown-limit-type",
        EventType.CONTRIBUTION,
        ("payload", "limit_applied"),
        "415c",
        "payload.limit_applied",
        "'402g_deferral'",
    ),
    (
        "unknown-event-type",
        EventType.HIRE,
        ("payload", "event_type"),
        "bonus",
        "payload",
        "'bonus' found using 'event_type' does not match",
    ),
    # unknown and missing fields
    (
        "unknown-payload-field",
        EventType.HIRE,
        ("payload", "bonus"),
        D("1.00"),
        "payload.bonus",
        "Extra inputs are not permitted",
    ),
    (
        "unknown-envelope-field",
        EventType.HIRE,
        ("created_at",),
        "2024-01-01T00:00:00",
        "created_at",
        "Extra inputs are not permitted",
    ),
    # envelope
    (
        "event-id-not-uuid",
        EventType.HIRE,
        ("event_id",),
        "not-a-uuid",
        "event_id",
        "valid UUID",
    ),
    (
        "empty-employee-id",
        EventType.HIRE,
        ("employee_id",),
        "",
        "employee_id",
        "at least 1 character",
    ),
    (
        "long-scenario-id",
        EventType.HIRE,
        ("scenario_id",),
        "s" * 129,
        "scenario_id",
        "at most 128 characters",
    ),
    (
        "sequence-0",
        EventType.HIRE,
        ("event_sequence",),
        0,
        "event_sequence",
        "greater than or equal to 1",
    ),
    (
        "sequence-2**31",
        EventType.HIRE,
        ("event_sequence",),
        2**31,
        "event_sequence",
        "less than or equal to 2147483647",
    ),
    (
        "year-before-1900",
        EventType.HIRE,
        ("simulation_year",),
        1899,
        "simulation_year",
        "greater than or equal to 1900",
    ),
    (
        "year-after-2200",
        EventType.HIRE,
        ("simulation_year",),
        2201,
        "simulation_year",
        "less than or equal to 2200",
    ),
    (
        "date-not-a-date",
        EventType.TERMINATION,
        ("payload", "hire_date"),
        "2019-02-29",
        "payload.hire_date",
        "valid date",
    ),
]


@pytest.mark.parametrize(
    ("event_type", "path", "value", "field", "reason"),
    [case[1:] for case in FIELD_CASES],
    ids=[case[0] for case in FIELD_CASES],
)
def test_field_constraint_rejects(
    event_type: EventType, path: tuple[str, ...], value: Any, field: str, reason: str
) -> None:
    """A value breaking one field constraint is rejected with that field's path and reason."""
    data = valid(event_type)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert_names(problems_of([data]), field, reason)


@pytest.mark.parametrize(
    ("event_type", "field"),
    [(t, f) for t in EventType for f in VALID_FIELDS[t] if f != "limit_applied"],
)
def test_missing_payload_field_rejected(event_type: EventType, field: str) -> None:
    """Every payload field (but the optional ``limit_applied``) is required."""
    data = valid(event_type)
    del data["payload"][field]
    assert_names(problems_of([data]), f"payload.{field}", "Field required")


def test_json_number_money_rejected() -> None:
    """A JSON number with a fraction is a binary float: money must come as a decimal string
    (``1234567890123456.78`` would otherwise silently become ``...456.8``)."""
    event = FACTORY.forfeiture(EMPLOYEE, ON, forfeiture_source="true_up", amount=D("0.10"))
    raw = dump_json([event]).replace(b'"0.10"', b"1234567890123456.78")
    with pytest.raises(EventValidationError) as info:
        validate_json(raw)
    assert_names(info.value.problems, "payload.amount", "float")


def test_json_number_rate_rejected() -> None:
    """A JSON number with a fraction is rejected for a rate too (decimal strings only)."""
    event = FACTORY.merit(EMPLOYEE, ON, **VALID_FIELDS[EventType.MERIT])
    raw = dump_json([event]).replace(b'"0.0300"', b"0.03")
    with pytest.raises(EventValidationError) as info:
        validate_json(raw)
    assert_names(info.value.problems, "payload.merit_rate", "float")


# --- cross-field rules on hypothesis-chosen events -----------------------------------------


def broken(event: SimulationEvent, **payload: Any) -> dict[str, Any]:
    """The event as a mapping with some payload fields replaced."""
    data = event.model_dump()
    data["payload"].update(payload)
    return data


@given(events(), st.sampled_from([-1, 1]))
def test_effective_date_outside_simulation_year_rejected(event: SimulationEvent, by: int) -> None:
    """An effective date must fall in the simulation year (envelope rule)."""
    data = event.model_dump()
    data["simulation_year"] += by
    assert_names(problems_of([data]), "effective_date", "outside simulation_year")


@given(events(EventType.TERMINATION), st.integers(1, 3650))
def test_termination_before_hire_rejected(event: SimulationEvent, days: int) -> None:
    """A termination cannot precede the hire date it carries."""
    data = broken(event, hire_date=event.effective_date + timedelta(days=days))
    assert_names(problems_of([data]), "payload.hire_date", "before hire")


@given(events(EventType.HIRE), st.integers(0, 3650))
def test_birth_on_or_after_hire_rejected(event: SimulationEvent, days: int) -> None:
    """A hire's birth date must be before the hire date (the same day is rejected)."""
    data = broken(event, birth_date=event.effective_date + timedelta(days=days))
    assert_names(problems_of([data]), "payload.birth_date", "before the hire")


@given(events(EventType.PROMOTION), st.integers(0, 97))
def test_promotion_not_upward_rejected(event: SimulationEvent, down: int) -> None:
    """A promotion's new level must be above the old one (equal is rejected)."""
    from_level = event.payload.from_level
    data = broken(event, to_level=max(1, from_level - down))
    assert_names(problems_of([data]), "payload.to_level", "above from_level")


@given(st.sampled_from([EventType.PROMOTION, EventType.MERIT]), st.data())
def test_pay_cut_rejected(event_type: EventType, data: st.DataObject) -> None:
    """Promotions and merit raises never lower pay (new below previous by a cent or more)."""
    event = data.draw(events(event_type))
    cut = D(data.draw(st.integers(1, 10**6))).scaleb(-2)
    mapping = broken(event, previous_compensation=event.payload.new_compensation + cut)
    assert_names(problems_of([mapping]), "payload.new_compensation", "previous_compensation")


@given(events(EventType.ELIGIBILITY), st.integers(1, 366))
def test_plan_entry_before_effective_date_rejected(event: SimulationEvent, days: int) -> None:
    """Plan entry cannot precede the eligibility event's effective date."""
    data = broken(event, plan_entry_date=event.effective_date - timedelta(days=days))
    assert_names(problems_of([data]), "payload.plan_entry_date", "before the effective date")


@given(events(EventType.ENROLLMENT), st.integers(1, 10_000), st.booleans())
def test_opt_out_with_rate_rejected(event: SimulationEvent, units: int, roth: bool) -> None:
    """An opt-out carries zero rates: any positive pre-tax or Roth rate is rejected."""
    rate = D(units).scaleb(-4)
    data = broken(
        event,
        enrollment_source="opt_out",
        pre_tax_rate=D(0) if roth else rate,
        roth_rate=rate if roth else D(0),
    )
    assert_names(problems_of([data]), "payload.pre_tax_rate", "opt-out carries zero rates")


@given(events(EventType.ENROLLMENT), st.sampled_from(["auto", "voluntary"]))
def test_enrolment_without_rate_rejected(event: SimulationEvent, source: str) -> None:
    """An auto or voluntary enrolment needs a positive total rate."""
    data = broken(event, enrollment_source=source, pre_tax_rate=D(0), roth_rate=D("0.0000"))
    assert_names(problems_of([data]), "payload.pre_tax_rate", "needs a positive rate")


@given(st.integers(1, 10_000), st.data())
def test_enrolment_total_above_one_rejected(pre_tax: int, data: st.DataObject) -> None:
    """Pre-tax plus Roth cannot exceed 100% of pay (each alone may be up to 1)."""
    roth = data.draw(st.integers(10_001 - pre_tax, 10_000))
    mapping = valid(EventType.ENROLLMENT)
    mapping["payload"].update(pre_tax_rate=D(pre_tax).scaleb(-4), roth_rate=D(roth).scaleb(-4))
    assert_names(problems_of([mapping]), "payload.roth_rate", "exceeds 1")


def _units(rate: Decimal) -> int:
    return int(rate.scaleb(4))


@given(events(EventType.DEFERRAL_ESCALATION), st.data())
def test_escalation_not_increasing_rejected(event: SimulationEvent, data: st.DataObject) -> None:
    """An escalation must raise the rate (equal or lower is rejected)."""
    new = data.draw(st.integers(0, _units(event.payload.previous_rate)))
    mapping = broken(event, new_rate=D(new).scaleb(-4))
    assert_names(problems_of([mapping]), "payload.new_rate", "above previous_rate")


@given(events(EventType.DEFERRAL_ESCALATION), st.data())
def test_escalation_above_cap_rejected(event: SimulationEvent, data: st.DataObject) -> None:
    """An escalation's new rate cannot exceed the plan's cap (by even one basis unit)."""
    cap = data.draw(st.integers(0, _units(event.payload.new_rate) - 1))
    mapping = broken(event, rate_cap=D(cap).scaleb(-4))
    assert_names(problems_of([mapping]), "payload.new_rate", "must not exceed rate_cap")


@given(events(EventType.CONTRIBUTION), st.integers(1, 10**6))
def test_ytd_below_amount_rejected(event: SimulationEvent, cents: int) -> None:
    """A contribution's year-to-date total includes it, so cannot be below the amount."""
    mapping = broken(event, amount=event.payload.ytd_amount + D(cents).scaleb(-2))
    assert_names(problems_of([mapping]), "payload.ytd_amount", "at least amount")


@given(events(EventType.VESTING))
def test_vesting_without_change_rejected(event: SimulationEvent) -> None:
    """A vesting event must change the vested percentage."""
    data = broken(event, vested_percentage=event.payload.previous_vested_percentage)
    assert_names(problems_of([data]), "payload.vested_percentage", "must change")


@given(events(EventType.HCE_STATUS))
def test_hce_flag_inconsistent_with_pay_rejected(event: SimulationEvent) -> None:
    """The HCE flag must equal lookback_compensation > hce_threshold: flipping it is rejected."""
    data = broken(event, is_hce=not event.payload.is_hce)
    assert_names(problems_of([data]), "payload.is_hce", "lookback_compensation > hce_threshold")


# --- boundaries the schema accepts ---------------------------------------------------------

BOUNDARY_CASES: list[tuple[str, EventType, date, dict[str, Any]]] = [
    (
        "rates-0-and-1",
        EventType.MERIT,
        date(2023, 12, 31),
        {**VALID_FIELDS[EventType.MERIT], "merit_rate": D("1.0000"), "cola_rate": D("0")},
    ),
    (
        "amounts-0.00",
        EventType.CONTRIBUTION,
        date(2024, 1, 1),
        {**VALID_FIELDS[EventType.CONTRIBUTION], "amount": D("0.00"), "ytd_amount": D("0.00")},
    ),
    (
        "enrolment-100pct-split",
        EventType.ENROLLMENT,
        date(2000, 2, 29),
        {"pre_tax_rate": D("0.5"), "roth_rate": D("0.5"), "enrollment_source": "voluntary"},
    ),
    (
        "escalation-to-cap-of-1",
        EventType.DEFERRAL_ESCALATION,
        date(2100, 12, 31),
        {"previous_rate": D("0"), "new_rate": D("1"), "rate_cap": D("1")},
    ),
    (
        "terminated-on-hire-day",
        EventType.TERMINATION,
        date(2024, 2, 29),
        {"termination_reason": "death", "hire_date": date(2024, 2, 29)},
    ),
    (
        "born-day-before-hire",
        EventType.HIRE,
        date(2024, 1, 1),
        {"job_level": 1, "annual_compensation": D("0.00"), "birth_date": date(2023, 12, 31)},
    ),
    (
        "pay-at-hce-threshold-is-not-hce",
        EventType.HCE_STATUS,
        date(2024, 6, 30),
        {"is_hce": False, "hce_threshold": D("155000"), "lookback_compensation": D("155000")},
    ),
    (
        "promotion-without-raise",
        EventType.PROMOTION,
        date(2024, 2, 29),
        {**VALID_FIELDS[EventType.PROMOTION], "new_compensation": D("85000.00")},
    ),
]


@pytest.mark.parametrize(
    ("event_type", "on", "fields"),
    [case[1:] for case in BOUNDARY_CASES],
    ids=[case[0] for case in BOUNDARY_CASES],
)
def test_boundary_accepted(event_type: EventType, on: date, fields: dict[str, Any]) -> None:
    """The edge of each rule is inside it, and survives a JSON round trip unchanged."""
    event = FACTORY.event(event_type, EMPLOYEE, on, **fields)
    assert validate_json(dump_json([event])) == [event]


# --- batches: every problem names position, field and reason; a bad batch returns nothing --


def _with_bogus_field(batch: list[SimulationEvent], index: int) -> list[dict[str, Any]]:
    objects = [json.loads(e.model_dump_json()) for e in batch]
    objects[index]["payload"]["bogus"] = "x"
    return objects


@given(event_batches(), st.data())
def test_validate_json_names_position_and_id(
    batch: list[SimulationEvent], data: st.DataObject
) -> None:
    """``validate_json`` rejects the whole batch for one bad event and names its index and id."""
    index = data.draw(st.integers(0, len(batch) - 1))
    raw = json.dumps(_with_bogus_field(batch, index)).encode()
    with pytest.raises(EventValidationError) as info:
        validate_json(raw)
    assert info.value.problems == [
        (f"#{index} (event_id {batch[index].event_id})", "payload.bogus", info.value.problems[0][2])
    ]
    assert "Extra inputs are not permitted" in info.value.problems[0][2]
    assert info.value.total == len(batch)
    assert "nothing was written" in str(info.value)


@given(event_batches(), st.data())
def test_validate_jsonl_names_line(batch: list[SimulationEvent], data: st.DataObject) -> None:
    """``validate_jsonl`` names the file's line (blank lines counted) of the bad event."""
    index = data.draw(st.integers(0, len(batch) - 1))
    blanks = data.draw(st.lists(st.integers(0, 2), min_size=len(batch), max_size=len(batch)))
    lines: list[str] = []
    bad_line = 0
    for position, (obj, gap) in enumerate(
        zip(_with_bogus_field(batch, index), blanks, strict=True)
    ):
        lines.extend([""] * gap)
        lines.append(json.dumps(obj))
        if position == index:
            bad_line = len(lines)
    with pytest.raises(EventValidationError) as info:
        validate_jsonl("\n".join(lines) + "\n")
    (where, field, _), *_ = info.value.problems
    assert (where.split(" (")[0], field) == (f"line {bad_line}", "payload.bogus")


@given(event_batches(), st.data())
def test_validate_jsonl_malformed_line_named(
    batch: list[SimulationEvent], data: st.DataObject
) -> None:
    """A line that is not JSON at all is named by its line number too."""
    index = data.draw(st.integers(0, len(batch) - 1))
    lines = dump_jsonl(batch).split(b"\n")[:-1]  # JSON escapes every newline inside a line
    lines[index] = lines[index][: data.draw(st.integers(1, len(lines[index]) - 1))]
    with pytest.raises(EventValidationError) as info:
        validate_jsonl(b"\n".join(lines))
    (where, _, reason), *_ = info.value.problems
    assert where == f"line {index + 1}"
    assert "JSON" in reason


@given(event_batches(), st.data())
def test_validate_python_names_position(batch: list[SimulationEvent], data: st.DataObject) -> None:
    """``validate_python`` names the index and id of the bad object among valid models."""
    index = data.draw(st.integers(0, len(batch) - 1))
    objects: list[Any] = list(batch)
    objects[index] = broken(batch[index], bogus=1)
    problems = problems_of(objects)
    assert problems == [
        (f"#{index} (event_id {batch[index].event_id})", "payload.bogus", problems[0][2])
    ]


@given(event_batches(), st.data())
def test_frame_to_events_names_row(batch: list[SimulationEvent], data: st.DataObject) -> None:
    """``frame_to_events`` rejects a frame with one bad row, naming the row and the field."""
    index = data.draw(st.integers(0, len(batch) - 1))
    frame = events_to_frame(batch).with_columns(
        event_sequence=pl.when(pl.int_range(pl.len()) == index)
        .then(0)
        .otherwise(pl.col("event_sequence"))
    )
    with pytest.raises(EventValidationError) as info:
        frame_to_events(frame)
    assert info.value.problems == [
        (
            f"row {index} (event_id {batch[index].event_id})",
            "event_sequence",
            "Input should be greater than or equal to 1",
        )
    ]


def test_frame_to_events_unknown_event_type_named() -> None:
    """An event type outside the twelve is named with its row."""
    batch = [FACTORY.event(t, EMPLOYEE, ON, **VALID_FIELDS[t]) for t in EventType]
    frame = events_to_frame(batch).with_columns(
        event_type=pl.when(pl.int_range(pl.len()) == 4)
        .then(pl.lit("bonus"))
        .otherwise(pl.col("event_type"))
    )
    with pytest.raises(ValueError, match=r"row 4: unknown event_type 'bonus'"):
        frame_to_events(frame)


def test_frame_to_events_rejects_values_in_another_types_columns() -> None:
    """A row with a value in a payload column of another event type is named, not dropped."""
    batch = [FACTORY.event(t, EMPLOYEE, ON, **VALID_FIELDS[t]) for t in EventType]
    hire_row = [e.event_type for e in batch].index(EventType.HIRE)
    frame = events_to_frame(batch).with_columns(
        pre_tax_rate=pl.when(pl.int_range(pl.len()) == hire_row)
        .then(pl.lit(Decimal("0.05")))
        .otherwise(pl.col("pre_tax_rate"))
    )
    with pytest.raises(ValueError, match=rf"row {hire_row}: column 'pre_tax_rate' holds a value"):
        frame_to_events(frame)
