"""Reading event files for the CLI: JSON arrays (``.json``) or JSON lines (anything else)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planalign_core.errors import PlanalignError
from planalign_core.events import SimulationEvent, validate_json, validate_jsonl


def read_events(path: Path) -> list[SimulationEvent]:
    """Validate every event of the file; any bad event rejects the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanalignError(f"cannot read {path}: {exc.strerror}") from None
    is_array = path.suffix.lower() == ".json"
    events = validate_json(data) if is_array else validate_jsonl(data)
    if is_array:
        _refuse_repeated_ids(path, events, range(1, len(events) + 1), "event")
    else:  # the same 1-based line numbers as validate_jsonl's messages
        lines = [n for n, line in enumerate(data.splitlines(), start=1) if line.strip()]
        _refuse_repeated_ids(path, events, lines, "line")
    return events


def _refuse_repeated_ids(
    path: Path, events: list[SimulationEvent], positions: Sequence[int], unit: str
) -> None:
    """An event_id twice in one file: ``ingest`` refuses such a batch, so ``validate`` must too
    (it called the file valid before). Names both 1-based positions."""
    seen: dict[object, int] = {}
    for position, event in zip(positions, events, strict=True):
        first = seen.setdefault(event.event_id, position)
        if first != position:
            raise PlanalignError(
                f"{path}: {unit} {position}: event_id {event.event_id} repeats {unit} {first}; "
                "each event needs its own id"
            )
