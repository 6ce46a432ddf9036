"""Every form of an event carries the same event: JSON, JSON lines, Python mappings, columnar rows.

Round trips must be the identity on hypothesis-chosen valid batches (all twelve types, boundary
values included), and exact down to the text of decimals: no float ever sits in between.
"""

from __future__ import annotations

import json
from random import Random

from hypothesis import example, given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from planalign_core.events import (
    EVENT_SCHEMA,
    SimulationEvent,
    dump_json,
    dump_jsonl,
    events_to_frame,
    frame_to_events,
    validate_json,
    validate_jsonl,
    validate_python,
)
from planalign_core.events.columnar import (
    ENVELOPE_COLUMNS,
    PAYLOAD_COLUMNS_BY_TYPE,
    frame_to_json,
    frame_to_jsonl,
)
from planalign_core.events.synthetic import synthetic_events
from tests.strategies import event_batches

Batch = list[SimulationEvent]


@given(event_batches())
def test_json_round_trip(batch: Batch) -> None:
    """models -> JSON array -> models is the identity."""
    assert validate_json(dump_json(batch)) == batch


@given(event_batches())
def test_json_text_is_stable(batch: Batch) -> None:
    """JSON -> models -> JSON gives the same bytes: decimals keep their exact text."""
    raw = dump_json(batch)
    assert dump_json(validate_json(raw)) == raw


@given(event_batches())
def test_jsonl_round_trip(batch: Batch) -> None:
    """models -> JSON lines -> models is the identity."""
    assert validate_jsonl(dump_jsonl(batch)) == batch


@given(event_batches())
def test_python_round_trip(batch: Batch) -> None:
    """models -> ``model_dump()`` mappings -> models is the identity."""
    assert validate_python([event.model_dump() for event in batch]) == batch


@given(event_batches())
def test_json_loads_mappings_validate(batch: Batch) -> None:
    """Mappings parsed from JSON (decimals as text) validate to the same models."""
    assert validate_python(json.loads(dump_json(batch))) == batch


@given(event_batches())
def test_models_rows_models_identity(batch: Batch) -> None:
    """models -> columnar rows -> models is the identity, in order and to the decimal text."""
    back = frame_to_events(events_to_frame(batch))
    assert back == batch
    assert dump_json(back) == dump_json(batch)


@given(event_batches())
def test_rows_have_the_event_layout(batch: Batch) -> None:
    """Rows have the derived schema; each row fills exactly its type's payload columns
    (optional ``limit_applied`` aside) and leaves every other payload column null."""
    frame = events_to_frame(batch)
    assert frame.schema == EVENT_SCHEMA
    for event, row in zip(batch, frame.iter_rows(named=True), strict=True):
        own = set(PAYLOAD_COLUMNS_BY_TYPE[row["event_type"]])
        filled = {c for c, v in row.items() if v is not None and c not in ENVELOPE_COLUMNS}
        assert row["event_type"] == event.event_type.value
        assert filled <= own
        assert own - filled <= {"limit_applied"}


@given(event_batches(), st.randoms(use_true_random=False))
def test_rows_follow_model_order(batch: Batch, random: Random) -> None:
    """Rows come out in the models' order, whatever that order is."""
    shuffled = list(batch)
    random.shuffle(shuffled)
    ids = events_to_frame(shuffled)["event_id"].to_list()
    assert ids == [str(event.event_id) for event in shuffled]


@given(st.integers(1, 300), st.integers(0, 2**64 - 1))
@example(n=5, seed=488)  # a type's rows all in a later chunk (Polars write_json bug)
def test_rows_models_rows_identity(n: int, seed: int) -> None:
    """rows -> models -> rows is the identity on engine-made (synthetic) frames."""
    frame = synthetic_events(n, seed=seed)
    assert_frame_equal(events_to_frame(frame_to_events(frame)), frame)


def _by_id(events: Batch) -> Batch:
    return sorted(events, key=lambda event: event.event_id)


@given(event_batches())
def test_rows_to_json_carry_every_row(batch: Batch) -> None:
    """The Polars-only JSON and JSON-lines exports of rows hold every event exactly (grouped
    by type, so compared by id)."""
    frame = events_to_frame(batch)
    assert _by_id(validate_json(frame_to_json(frame))) == _by_id(batch)
    assert _by_id(validate_jsonl(frame_to_jsonl(frame))) == _by_id(batch)


def test_chunked_rows_to_json_carry_every_row() -> None:
    """Engine frames come in chunks; the JSON export keeps a type whose rows all sit in a
    later chunk (Polars 2.1's write_json wrote nothing after an empty first chunk)."""
    frame = synthetic_events(5, seed=488)
    assert len(validate_json(frame_to_json(frame))) == 5
    assert len(validate_jsonl(frame_to_jsonl(frame))) == 5


def test_empty_batch_round_trips() -> None:
    """No events is a valid batch in every form."""
    assert validate_json(dump_json([])) == []
    assert validate_jsonl(dump_jsonl([])) == []
    assert frame_to_events(events_to_frame([])) == []
    assert events_to_frame([]).schema == EVENT_SCHEMA


def test_synthetic_events_are_append_only() -> None:
    """A synthetic batch of n is the first n rows of a larger one (benchmark data never
    changes as it grows)."""
    assert_frame_equal(synthetic_events(500, seed=3).head(120), synthetic_events(120, seed=3))
