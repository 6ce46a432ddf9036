"""Keyed randomness and event identity: pure functions of integer keys, equal in every form.

The scalar ``draw`` and ``derive_event_id`` are the reference; their Polars translations must
give the same bits for hypothesis-chosen keys (64-bit extremes included), whatever the row order
or the chunking of the frame, and a change of seed must reshuffle the draws.
"""

from __future__ import annotations

import uuid
from itertools import pairwise
from random import Random

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from pydantic import BaseModel

from planalign_core.events import (
    PAYLOAD_TYPES,
    EventFactory,
    EventType,
    SimulationEvent,
    derive_event_id,
    with_event_ids,
)
from planalign_core.events.identity import MAX_YEAR
from planalign_core.rng import MASK32, RATE_SCALE, draw, text_key, threshold, with_draw
from tests.strategies import employee_keys, employees, events, rate_units, seeds, sequences

U32 = st.integers(0, MASK32)
YEARS = st.one_of(st.sampled_from([0, 1900, 2200, MASK32]), st.integers(0, MASK32))
KEY_ROWS = st.lists(st.tuples(employee_keys(), YEARS), min_size=1, max_size=40)
N_KEYS = 2_000


def key_frame(rows: list[tuple[int, int]]) -> pl.DataFrame:
    """Employee keys and years as the unsigned columns an engine would hold."""
    keys, years = zip(*rows, strict=True)
    return pl.DataFrame(
        {"employee_key": list(keys), "year": list(years)},
        schema={"employee_key": pl.UInt64, "year": pl.UInt32},
    )


def polars_draws(frame: pl.DataFrame, seed: int, scenario_key: int, stream: int) -> pl.DataFrame:
    return with_draw(
        frame,
        "draw",
        seed=seed,
        scenario_key=scenario_key,
        employee_key=pl.col("employee_key"),
        year=pl.col("year"),
        stream=stream,
    )


# --- draws -----------------------------------------------------------------------------------


@given(KEY_ROWS, seeds(), U32, U32)
def test_polars_draw_equals_scalar(
    rows: list[tuple[int, int]], seed: int, scenario_key: int, stream: int
) -> None:
    """``with_draw`` gives the scalar ``draw`` of every row, bit for bit."""
    frame = polars_draws(key_frame(rows), seed, scenario_key, stream)
    expected = [draw(seed, scenario_key, key, year, stream) for key, year in rows]
    assert frame["draw"].to_list() == expected
    assert frame["draw"].dtype == pl.UInt64


@given(KEY_ROWS, seeds(), U32, U32)
def test_lazy_draw_equals_eager(
    rows: list[tuple[int, int]], seed: int, scenario_key: int, stream: int
) -> None:
    """The translation gives the same column on a LazyFrame as on a DataFrame."""
    frame = key_frame(rows)
    lazy = polars_draws(frame.lazy(), seed, scenario_key, stream).collect()
    assert_frame_equal(lazy, polars_draws(frame, seed, scenario_key, stream))


@given(KEY_ROWS, seeds(), st.randoms(use_true_random=False))
def test_draws_independent_of_row_order(
    rows: list[tuple[int, int]], seed: int, random: Random
) -> None:
    """Shuffling the rows moves each row's draw with it and changes none."""
    shuffled = list(rows)
    random.shuffle(shuffled)
    whole = polars_draws(key_frame(rows), seed, 7, 3)
    moved = polars_draws(key_frame(shuffled), seed, 7, 3)
    by_row = dict(zip(rows, whole["draw"].to_list(), strict=True))
    assert [by_row[row] for row in shuffled] == moved["draw"].to_list()


@given(KEY_ROWS, seeds(), st.data())
def test_draws_independent_of_chunking(
    rows: list[tuple[int, int]], seed: int, data: st.DataObject
) -> None:
    """Computing chunk by chunk and concatenating equals computing the whole frame."""
    frame = key_frame(rows)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(rows)), max_size=3)))
    bounds = [0, *cuts, len(rows)]
    chunks = [frame.slice(a, b - a) for a, b in pairwise(bounds)]
    pieces = pl.concat([polars_draws(chunk, seed, 11, 5) for chunk in chunks])
    assert_frame_equal(pieces, polars_draws(frame, seed, 11, 5))


def _reshuffled(a: pl.Series, b: pl.Series) -> None:
    """Two draw columns look independent: almost never equal, and a fair coin drawn from
    each agrees about half the time (N_KEYS = 2000: the band is over 8 standard deviations)."""
    equal = (a == b).cast(pl.Float64).mean()
    agree = ((a < 2**31) == (b < 2**31)).cast(pl.Float64).mean()
    assert equal is not None and equal < 0.01
    assert agree is not None and 0.4 < agree < 0.6


@given(seeds(), seeds(), st.integers(0, 2**64 - 1 - N_KEYS))
def test_seed_change_reshuffles(seed: int, other: int, first_key: int) -> None:
    """A different seed gives unrelated draws for the same employees."""
    if seed == other:
        other ^= 1
    keys = pl.DataFrame(
        {"employee_key": pl.int_range(first_key, first_key + N_KEYS, eager=True, dtype=pl.UInt64)}
    ).with_columns(year=pl.lit(2025, pl.UInt32))
    _reshuffled(polars_draws(keys, seed, 1, 0)["draw"], polars_draws(keys, other, 1, 0)["draw"])


@given(seeds(), st.sampled_from(["scenario_key", "year", "stream"]))
def test_other_key_change_reshuffles(seed: int, key: str) -> None:
    """Changing the scenario, the year or the stream by one also gives unrelated draws."""
    frame = pl.DataFrame(
        {"employee_key": pl.int_range(0, N_KEYS, eager=True, dtype=pl.UInt64)}
    ).with_columns(year=pl.lit(2025, pl.UInt32))
    base = polars_draws(frame, seed, 1, 0)["draw"]
    if key == "scenario_key":
        changed = polars_draws(frame, seed, 2, 0)["draw"]
    elif key == "stream":
        changed = polars_draws(frame, seed, 1, 1)["draw"]
    else:
        changed = polars_draws(frame.with_columns(year=pl.lit(2026, pl.UInt32)), seed, 1, 0)
        changed = changed["draw"]
    _reshuffled(base, changed)


def test_rate_boundaries() -> None:
    """A rate of 0 never fires (threshold 0) and a rate of 1 always does (threshold 2**32,
    above every 32-bit draw)."""
    assert threshold(0) == 0
    assert threshold(RATE_SCALE) == 2**32 > MASK32


@given(seeds(), rate_units())
def test_rate_fires_in_proportion(seed: int, units: int) -> None:
    """Over 20,000 employees, ``draw < threshold(rate)`` fires at the rate (within 5 standard
    deviations), exactly never at 0 and always at 1."""
    n = 20_000
    frame = pl.DataFrame({"employee_key": pl.int_range(0, n, eager=True, dtype=pl.UInt64)})
    frame = with_draw(
        frame,
        "draw",
        seed=seed,
        scenario_key=0,
        employee_key=pl.col("employee_key"),
        year=2025,
        stream=0,
    )
    fired = int((frame["draw"] < threshold(units)).sum())
    p = units / RATE_SCALE
    assert abs(fired - n * p) <= 5 * (n * p * (1 - p)) ** 0.5


def test_text_key_is_stable() -> None:
    """A scenario's key is the first 4 bytes (big-endian) of SHA-256 of its parts joined by
    U+001F, fixed across runs and machines. Expected values from coreutils:
    ``printf 'baseline\\x1fstandard' | sha256sum`` starts f19f3937."""
    assert text_key("baseline", "standard") == 0xF19F3937
    assert text_key("a", "b") == 0xF04CDCED


# --- event identity --------------------------------------------------------------------------

ID_ROWS = st.lists(
    st.tuples(
        employee_keys(),
        st.one_of(st.sampled_from([0, 1900, MAX_YEAR]), st.integers(0, MAX_YEAR)),
        st.sampled_from([t.code for t in EventType]),
        st.one_of(st.sampled_from([0, 1, MASK32]), st.integers(0, MASK32)),
    ),
    min_size=1,
    max_size=40,
)


@given(ID_ROWS, seeds(), U32)
def test_polars_event_ids_equal_scalar(
    rows: list[tuple[int, int, int, int]], seed: int, scenario_key: int
) -> None:
    """``with_event_ids`` gives the text of the scalar ``derive_event_id`` of every row."""
    keys, years, codes, sequences_ = zip(*rows, strict=True)
    frame = pl.DataFrame(
        {"k": keys, "y": years, "t": codes, "s": sequences_},
        schema={"k": pl.UInt64, "y": pl.Int32, "t": pl.Int8, "s": pl.UInt32},
    )
    ids = with_event_ids(
        frame,
        seed=seed,
        scenario_key=scenario_key,
        employee_key=pl.col("k"),
        year=pl.col("y"),
        type_code=pl.col("t"),
        sequence=pl.col("s"),
    )["event_id"].to_list()
    assert ids == [
        str(
            derive_event_id(
                seed=seed,
                scenario_key=scenario_key,
                employee_key=k,
                simulation_year=y,
                type_code=t,
                event_sequence=s,
            )
        )
        for k, y, t, s in rows
    ]


@given(events())
def test_event_ids_are_uuid8_rfc_variant(event: SimulationEvent) -> None:
    """Every event id is a UUID of version 8 with the RFC 9562 variant."""
    assert event.event_id.version == 8
    assert event.event_id.variant == uuid.RFC_4122


@given(
    seeds(),
    U32,
    employee_keys(),
    st.lists(
        st.tuples(st.integers(1900, 2200), st.sampled_from(list(EventType)), sequences()),
        min_size=2,
        max_size=50,
        unique=True,
    ),
)
def test_one_employees_events_never_share_an_id(
    seed: int, scenario_key: int, employee_key: int, keys: list[tuple[int, EventType, int]]
) -> None:
    """Distinct (year, type, sequence) of one employee give distinct ids."""
    ids = {
        derive_event_id(
            seed=seed,
            scenario_key=scenario_key,
            employee_key=employee_key,
            simulation_year=year,
            type_code=kind.code,
            event_sequence=sequence,
        )
        for year, kind, sequence in keys
    }
    assert len(ids) == len(keys)


@given(st.data())
def test_factory_ids_are_derived_from_keys(data: st.DataObject) -> None:
    """A factory's event id is ``derive_event_id`` of its keys: building the same event twice
    gives the same id, and the id changes with the seed."""
    factory = EventFactory("baseline", "standard", seed=data.draw(seeds()))
    employee = data.draw(employees())
    event = data.draw(events(EventType.FORFEITURE, factory=factory, employee=employee))
    fields = event.payload.model_dump(exclude={"event_type"})
    again = factory.forfeiture(
        employee, event.effective_date, sequence=event.event_sequence, **fields
    )
    assert again == event
    assert event.event_id == derive_event_id(
        seed=factory.seed,
        scenario_key=text_key("baseline", "standard"),
        employee_key=employee.employee_key,
        simulation_year=event.simulation_year,
        type_code=EventType.FORFEITURE.code,
        event_sequence=event.event_sequence,
    )
    reseeded = EventFactory("baseline", "standard", seed=factory.seed ^ 1)
    other = reseeded.forfeiture(
        employee, event.effective_date, sequence=event.event_sequence, **fields
    )
    assert other.event_id != event.event_id


def test_no_generated_defaults() -> None:
    """Nothing in an event is filled by a default factory (no uuid4, no clock): the id must
    be given, and the only defaults are constants (type tags, an optional limit)."""
    models: list[type[BaseModel]] = [SimulationEvent, *PAYLOAD_TYPES.values()]
    factories = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if info.default_factory is not None
    ]
    assert factories == []
    assert SimulationEvent.model_fields["event_id"].is_required()
