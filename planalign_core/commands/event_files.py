"""Reading event files for the CLI: JSON arrays (``.json``) or JSON lines (anything else)."""

from __future__ import annotations

from pathlib import Path

from planalign_core.errors import PlanalignError
from planalign_core.events import SimulationEvent, validate_json, validate_jsonl


def read_events(path: Path) -> list[SimulationEvent]:
    """Validate every event of the file; any bad event rejects the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanalignError(f"cannot read {path}: {exc.strerror}") from None
    if path.suffix.lower() == ".json":
        return validate_json(data)
    return validate_jsonl(data)
