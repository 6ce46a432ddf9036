"""Batch validation through one module-level adapter: JSON bytes, JSON lines, Python objects.

Validation runs in pydantic-core (Rust) over the whole batch; only a failing batch comes back to
Python, where every problem is reported with the event's position, its id when readable, the
field path and the reason. A batch with any bad event is rejected whole.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from planalign_core.errors import EventValidationError
from planalign_core.events.envelope import SimulationEvent
from planalign_core.events.types import EventType

EVENTS_ADAPTER: TypeAdapter[list[SimulationEvent]] = TypeAdapter(list[SimulationEvent])
# the discriminator's tags, which pydantic puts in an error's location
_PAYLOAD_TAGS = frozenset(kind.value for kind in EventType)
# pydantic-core's JSON errors end with where they are: "<reason> at line L column C"
_JSON_ERROR = re.compile(r"(?s)(.*) at line \d+ column (\d+)")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its models.

    A batch allocates millions of container objects and none of them is garbage yet; the
    collector's generational passes over them halve the throughput at 100k events.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_json(
    data: bytes | str, *, row_numbers: Sequence[int] | None = None
) -> list[SimulationEvent]:
    """Validate a JSON array of events; ``row_numbers`` relabels positions (``row N``)."""
    try:
        with _collector_paused():
            return EVENTS_ADAPTER.validate_json(data)
    except ValidationError as exc:
        label = (lambda i: f"row {row_numbers[i]}") if row_numbers is not None else None
        raise _batch_error(exc, lambda: _load_json_array(data), position=label) from None


def validate_jsonl(data: bytes | str) -> list[SimulationEvent]:
    """Validate JSON lines (one event per non-blank line); positions are 1-based line numbers."""
    return validate_jsonl_lines(data)[1]


def validate_jsonl_lines(
    data: bytes | str, *, first_line: int = 1
) -> tuple[list[int], list[SimulationEvent]]:
    """Validate JSON lines that start at line ``first_line`` of their file (a file read a block
    at a time): each event's line number, and the events."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    lines = raw.splitlines()
    kept = [number for number, line in enumerate(lines, start=first_line) if line.strip()]
    array = b"[" + b",".join(lines[n - first_line] for n in kept) + b"]"
    try:
        with _collector_paused():
            return kept, EVENTS_ADAPTER.validate_json(array)
    except ValidationError as exc:
        malformed = _malformed_lines(lines, kept, first_line)
        if malformed:  # offsets into the joined array would name no line of the file
            raise EventValidationError(malformed, total=len(kept)) from None
        raise _batch_error(
            exc, lambda: _load_json_array(array), position=lambda i: f"line {kept[i]}"
        ) from None


def validate_python(objects: Sequence[Any]) -> list[SimulationEvent]:
    """Validate Python objects: ``SimulationEvent``s or mappings in the Python form (money and
    rates as ``Decimal``, dates as ``date``: what ``model_dump()`` gives). Text from JSON goes
    through :func:`validate_json`, which parses decimals from their text exactly."""
    try:
        with _collector_paused():
            return EVENTS_ADAPTER.validate_python(objects)
    except ValidationError as exc:
        raise _batch_error(exc, lambda: objects) from None


def dump_json(events: Sequence[SimulationEvent]) -> bytes:
    """The JSON array form of events (exact decimals as strings, ISO dates)."""
    return EVENTS_ADAPTER.dump_json(list(events))


def dump_jsonl(events: Sequence[SimulationEvent]) -> bytes:
    """The JSON lines form of events."""
    return b"".join(event.model_dump_json().encode() + b"\n" for event in events)


def _malformed_lines(
    lines: list[bytes], kept: list[int], first_line: int
) -> list[tuple[str, str, str]]:
    """The lines that are not JSON at all (looked for only once a batch has failed), by the
    batch's own parser: Python's ``json`` accepts what it refuses (a lone surrogate, a
    byte-order mark) and recurses without bound on a deeply nested line."""
    problems = []
    for number in kept:
        try:
            from_json(lines[number - first_line])
        except ValueError as exc:
            where = _JSON_ERROR.fullmatch(str(exc))
            reason = f"at column {where[2]}: {where[1]}" if where else f": {exc}"
            problems.append((f"line {number}", "(line)", f"invalid JSON {reason}"))
    return problems


def _load_json_array(data: bytes | str) -> Sequence[Any]:
    """The batch as plain values, to name each failing event by its id (or nothing)."""
    try:
        loaded = from_json(data)
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def _event_label(index: int, items: Sequence[Any], position: str) -> str:
    try:
        item = items[index]
        event_id = item.event_id if isinstance(item, SimulationEvent) else item.get("event_id")
    except (IndexError, AttributeError, TypeError):
        event_id = None
    return f"{position} (event_id {event_id})" if event_id else position


def _field_path(loc: tuple[int | str, ...], ctx: dict[str, Any] | None) -> str:
    if ctx and "field" in ctx:
        return str(ctx["field"])
    # loc = (index, 'payload', '<tag>', 'field', ...): the tag only repeats the event type.
    parts = [str(p) for i, p in enumerate(loc[1:]) if not (i == 1 and p in _PAYLOAD_TAGS)]
    return ".".join(parts) or "(event)"


def _batch_error(
    exc: ValidationError,
    items: Any,
    position: Any = None,
) -> EventValidationError:
    loaded: Sequence[Any] = items()
    problems: list[tuple[str, str, str]] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if not loc or not isinstance(loc[0], int):
            problems.append(("(batch)", ".".join(map(str, loc)) or "(input)", error["msg"]))
            continue
        index = loc[0]
        where = position(index) if position else f"#{index}"
        ctx = error.get("ctx")
        reason = str(ctx["detail"]) if ctx and "detail" in ctx else error["msg"]
        problems.append((_event_label(index, loaded, where), _field_path(loc, ctx), reason))
    return EventValidationError(problems, total=len(loaded) if loaded else exc.error_count())
