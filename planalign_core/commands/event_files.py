"""Reading event files for the CLI: JSON arrays (``.json``) or JSON lines (anything else).

A JSON lines file is read and validated a block of lines at a time (``BLOCK_BYTES``), each
block's events handed on as they are validated, so a file of millions of events needs the
memory of one block: its models once held the whole file (6.0 GB to ingest 1M events). Every
block is validated even after one failed, and all the problems are raised together once the
file is read; an id repeated anywhere in the file is refused too. A caller that stores blocks
as they come does so inside one transaction, which the error rolls back: nothing is written.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

import polars as pl

from planalign_core.errors import EventValidationError, PlanalignError
from planalign_core.events import SimulationEvent, validate_json
from planalign_core.events.adapters import validate_jsonl_lines

# About 45k events of a run's export a block: large enough that the per-block costs vanish.
BLOCK_BYTES = 16 << 20
KEPT_PROBLEMS = 1_000  # problems kept for the message (it shows 20); all are counted


@dataclass
class _Problems:
    """Every block's validation problems, and how many events the file holds."""

    kept: list[tuple[str, str, str]] = field(default_factory=list)
    count: int = 0
    events: int = 0

    def add(self, error: EventValidationError) -> None:
        self.kept.extend(error.problems[: KEPT_PROBLEMS - len(self.kept)])
        self.count += error.count

    def raise_any(self) -> None:
        if self.count:
            raise EventValidationError(self.kept, total=self.events, count=self.count)


def event_blocks(path: Path) -> Iterator[list[SimulationEvent]]:
    """The file's events, validated, a block at a time (in file order). An id repeated anywhere
    in the file is raised once the rest of the file is validated, so what is reported does not
    depend on the block size: the problems of every block if there are any, else the first
    repeated id. A repeat across blocks is found then, once, over every id: a caller that
    stored the blocks before it rolls them back (checked block by block, against every id
    before it, a 26M-event file took minutes of joins). A block repeating an id of its own is
    not handed on, nor is any after it."""
    unit = "event" if path.suffix.lower() == ".json" else "line"
    ids: list[pl.DataFrame] = []  # every block's ids, with their positions in the file
    handing_on = True
    blocks = _json_array(path) if unit == "event" else _json_lines(path)
    for positions, events in blocks:  # raises every block's problems after the last
        block = pl.DataFrame(
            {"event_id": [event.event_id.bytes for event in events], "position": positions},
            schema=_IDS,
        )
        ids.append(block)
        handing_on = handing_on and not block["event_id"].is_duplicated().any()
        if handing_on:
            yield events
    repeat = _repeated_id(path, unit, pl.concat(ids, rechunk=False) if ids else None)
    if repeat is not None:
        raise repeat


_IDS = {"event_id": pl.Binary, "position": pl.Int64}


def _open(path: Path) -> BinaryIO:
    """The file for reading, past a UTF-8 byte-order mark if it starts with one (as some
    Windows tools write; a census may have one too), or an error naming it and why it cannot be
    read."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise PlanalignError(f"cannot read {path}: {exc.strerror}") from None
    if handle.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        handle.seek(0)
    return handle


def _json_array(path: Path) -> Iterator[tuple[list[int], list[SimulationEvent]]]:
    """A JSON array is one document: validated whole."""
    with _open(path) as handle:
        data = handle.read()
    events = validate_json(data)
    yield list(range(1, len(events) + 1)), events


def _json_lines(path: Path) -> Iterator[tuple[list[int], list[SimulationEvent]]]:
    problems = _Problems()
    first_line = 1
    with _open(path) as handle:
        while block := b"".join(handle.readlines(BLOCK_BYTES)):
            try:
                lines, events = validate_jsonl_lines(block, first_line=first_line)
            except EventValidationError as exc:
                problems.add(exc)
                problems.events += exc.total
            else:
                problems.events += len(events)
                if not problems.count:  # nothing is handed on once the file is known bad
                    yield lines, events
            first_line += len(block.splitlines())
    problems.raise_any()


def _repeated_id(path: Path, unit: str, ids: pl.DataFrame | None) -> PlanalignError | None:
    """An event_id twice in one file: ``ingest`` refuses such a file, so ``validate`` must too
    (it called the file valid before). Names the first repeat and where the id came first."""
    if ids is None or not ids["event_id"].is_duplicated().any():
        return None
    first = (
        ids.filter(pl.col("event_id").is_duplicated())
        .group_by("event_id")
        .agg(
            pl.col("position").min().alias("first"), pl.col("position").sort().get(1).alias("again")
        )
    )
    event_id, at, again = first.sort("again").select("event_id", "first", "again").row(0)
    return PlanalignError(
        f"{path}: {unit} {again}: event_id {UUID(bytes=event_id)} repeats {unit} {at}; "
        "each event needs its own id"
    )
