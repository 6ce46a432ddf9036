"""The columnar form of events: one typed, wide layout (the ``fct_yearly_events`` table).

The layout is derived from the Pydantic models, never typed by hand: the envelope's fields, then
the union of every payload's fields (a field name shared by two payloads is one column, and must
have one type). A row carries its event type's payload columns and nulls elsewhere. Models ->
rows -> models is the identity; both directions go through pydantic-core's JSON (Rust) and
Polars, with no Python loop over fields.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import polars as pl
from pydantic.fields import FieldInfo

from planalign_core.events.envelope import PAYLOAD_TYPES, SimulationEvent
from planalign_core.events.types import EventType, ExactDecimal
from planalign_core.literals import lit

ENVELOPE_COLUMNS: dict[str, pl.DataType] = {
    "event_id": pl.String(),
    "scenario_id": pl.String(),
    "plan_design_id": pl.String(),
    "employee_id": pl.String(),
    "event_type": pl.String(),
    "effective_date": pl.Date(),
    "simulation_year": pl.Int32(),
    "event_sequence": pl.Int32(),
    "source_system": pl.String(),
}
EVENT_TYPE_CODES: dict[str, int] = {t.value: t.code for t in EventType}


def _dtype_for(name: str, info: FieldInfo) -> pl.DataType:
    annotation: Any = info.annotation
    if get_origin(annotation) in (Union, UnionType):
        (annotation,) = (a for a in get_args(annotation) if a is not NoneType)
    if annotation is Decimal:
        exact = next(m for m in info.metadata if isinstance(m, ExactDecimal))
        return pl.Decimal(exact.digits, exact.places)
    if annotation is date:
        return pl.Date()
    if annotation is bool:
        return pl.Boolean()
    if annotation is int:
        return pl.Int16()
    if isinstance(annotation, type) and issubclass(annotation, str):
        return pl.String()
    raise TypeError(f"payload field {name!r}: no columnar type for {annotation!r}")


def _payload_layout() -> tuple[dict[str, pl.DataType], dict[str, tuple[str, ...]]]:
    columns: dict[str, pl.DataType] = {}
    by_type: dict[str, tuple[str, ...]] = {}
    for event_type, model in PAYLOAD_TYPES.items():
        names = []
        for name, info in model.model_fields.items():
            if name == "event_type":
                continue
            dtype = _dtype_for(name, info)
            if columns.setdefault(name, dtype) != dtype:
                raise TypeError(f"payload field {name!r} has two column types")
            names.append(name)
        by_type[event_type.value] = tuple(names)
    return columns, by_type


PAYLOAD_COLUMNS, PAYLOAD_COLUMNS_BY_TYPE = _payload_layout()
EVENT_COLUMNS: dict[str, pl.DataType] = {**ENVELOPE_COLUMNS, **PAYLOAD_COLUMNS}
EVENT_SCHEMA = pl.Schema(EVENT_COLUMNS)


def empty_events_frame() -> pl.DataFrame:
    """A frame with the event layout and no rows."""
    return pl.DataFrame(schema=EVENT_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Give an engine's frame the event layout: missing payload columns become typed nulls,
    every column is cast to its type and put in order. Unknown columns are an error."""
    unknown = [c for c in frame.columns if c not in EVENT_COLUMNS]
    if unknown:
        raise ValueError(f"columns not in the event layout: {unknown}")
    missing = [c for c in ENVELOPE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"envelope columns missing: {missing}")
    return frame.select(
        (pl.col(name) if name in frame.columns else lit(None)).cast(dtype).alias(name)
        for name, dtype in EVENT_COLUMNS.items()
    )


def _json_read_schema() -> dict[str, pl.DataType]:
    """Decimals travel as JSON strings (exact); read them as text, cast afterwards."""

    def as_read(dtype: pl.DataType) -> pl.DataType:
        return pl.String() if isinstance(dtype, pl.Decimal | pl.Date) else dtype

    payload = pl.Struct(
        {"event_type": pl.String(), **{n: as_read(d) for n, d in PAYLOAD_COLUMNS.items()}}
    )
    envelope = {n: as_read(d) for n, d in ENVELOPE_COLUMNS.items() if n != "event_type"}
    return {**envelope, "payload": payload}


def events_to_frame(events: Sequence[SimulationEvent]) -> pl.DataFrame:
    """Models -> rows, in the given order."""
    if not events:
        return empty_events_frame()
    # the adapter is built on first use (~0.1 s at import): simulations never need it
    from planalign_core.events.adapters import EVENTS_ADAPTER  # noqa: PLC0415

    raw = EVENTS_ADAPTER.dump_json(list(events))
    frame = pl.read_json(io.BytesIO(raw), schema=_json_read_schema()).unnest("payload")
    return frame.select(_from_text(name, dtype) for name, dtype in EVENT_COLUMNS.items())


def _from_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Decimal):
        return column.str.to_decimal(scale=dtype.scale).cast(dtype)
    if isinstance(dtype, pl.Date):
        return column.str.to_date("%Y-%m-%d")
    return column.cast(dtype)


def _json_parts(frame: pl.DataFrame) -> Iterator[tuple[pl.Series, pl.DataFrame]]:
    """Per event type: the rows' positions and a frame whose ``payload`` struct holds only that
    type's fields (what the models expect; the wide row's other nulls would be unknown fields)."""
    frame = conform(frame).with_row_index("__position")
    unknown = frame.filter(~pl.col("event_type").is_in(list(PAYLOAD_COLUMNS_BY_TYPE)))
    if unknown.height:
        row = unknown.row(0, named=True)
        raise ValueError(f"row {row['__position']}: unknown event_type {row['event_type']!r}")
    envelope = [c for c in ENVELOPE_COLUMNS if c != "event_type"]
    for event_type, columns in PAYLOAD_COLUMNS_BY_TYPE.items():
        part = frame.filter(pl.col("event_type") == event_type)
        if part.height:
            _reject_foreign_values(part, event_type, columns)
            payload = pl.struct(pl.col("event_type"), *[_to_text(c) for c in columns])
            # rechunk: Polars 2.1's write_json writes nothing after an empty first chunk,
            # which a filter leaves when all of a type's rows are in a later chunk.
            yield part["__position"], part.select(*envelope, payload.alias("payload")).rechunk()


def _reject_foreign_values(part: pl.DataFrame, event_type: str, columns: tuple[str, ...]) -> None:
    """A row carries values only in its own type's payload columns: anything else would be
    dropped silently on the way to a model, so it is an error naming the row and column."""
    foreign = [c for c in PAYLOAD_COLUMNS if c not in columns]
    counts = part.select(pl.col(foreign).is_not_null().sum()).row(0, named=True)
    for column, count in counts.items():
        if count:
            row = part.filter(pl.col(column).is_not_null())["__position"][0]
            raise ValueError(
                f"row {row}: column {column!r} holds a value, but a {event_type} event has no "
                f"such field (it must be null)"
            )


def frame_to_json(frame: pl.DataFrame) -> bytes:
    """Rows -> the JSON array form, grouped by event type (Polars only, no models built)."""
    arrays = [part.write_json().encode()[1:-1] for _, part in _json_parts(frame)]
    return b"[" + b",".join(a for a in arrays if a) + b"]"


def frame_to_jsonl(frame: pl.DataFrame) -> bytes:
    """Rows -> JSON lines, grouped by event type (Polars only, no models built)."""
    return b"".join(part.write_ndjson().encode() for _, part in _json_parts(frame))


def frame_to_events(frame: pl.DataFrame) -> list[SimulationEvent]:
    """Rows -> models, validated by the schema (a bad row raises ``EventValidationError``
    naming its position), in the frame's order."""
    from planalign_core.events.adapters import validate_json  # noqa: PLC0415

    ordered: list[SimulationEvent] = [None] * frame.height  # type: ignore[list-item]
    for positions, part in _json_parts(frame):
        rows = positions.to_list()
        models = validate_json(part.write_json(), row_numbers=rows)
        for position, model in zip(rows, models, strict=True):
            ordered[position] = model
    return ordered


def _to_text(name: str) -> pl.Expr:
    """Decimals leave as strings so no JSON number ever passes through a float."""
    dtype = PAYLOAD_COLUMNS[name]
    return pl.col(name).cast(pl.String) if isinstance(dtype, pl.Decimal) else pl.col(name)


__all__ = [
    "ENVELOPE_COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "EVENT_TYPE_CODES",
    "PAYLOAD_COLUMNS",
    "PAYLOAD_COLUMNS_BY_TYPE",
    "conform",
    "empty_events_frame",
    "events_to_frame",
    "frame_to_events",
    "frame_to_json",
    "frame_to_jsonl",
]
