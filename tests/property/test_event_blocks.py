"""Reading an event file a block at a time (``commands.event_files``) must not change what is
read or what is reported: the same events, or the same problems at the same file lines and the
same count, whatever the block size, with blank lines, cut lines and repeated ids anywhere."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.commands import event_files
from planalign_core.errors import EventValidationError, PlanalignError
from planalign_core.events import dump_jsonl, frame_to_events
from planalign_core.events.synthetic import synthetic_events

LINES = dump_jsonl(frame_to_events(synthetic_events(30, seed=3))).split(b"\n")[:-1]


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """The 30 events' lines with blank lines put in, some lines cut short, some repeated."""
    lines = list(LINES)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = lines[at][: draw(st.integers(1, 60))]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(LINES)))
    for _ in range(draw(st.integers(0, 4))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from([b"", b"  ", b"\r"])))
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\n\n"]))


def _read(data: bytes, block_bytes: int) -> object:
    """The events' ids, or the error's text (its problems, count and lines)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.jsonl"
        path.write_bytes(data)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(event_files, "BLOCK_BYTES", block_bytes)
            try:
                blocks = list(event_files.event_blocks(path))
            except (EventValidationError, PlanalignError) as exc:
                return str(exc).replace(str(path), "FILE")
    return [event.event_id for block in blocks for event in block]


@given(files(), st.integers(1, 3_000))
def test_blocks_read_what_one_block_reads(data: bytes, block_bytes: int) -> None:
    assert _read(data, block_bytes) == _read(data, event_files.BLOCK_BYTES)
