"""``store.writer.ScenarioWriter``: how long a run waits for its writes before it computes the
next year (``backlog``), and which early rows it takes (``write_if_free``). A fake database
stores a table only once the test opens its gate."""

from __future__ import annotations

import threading
from typing import Any, cast

import polars as pl
import pytest

from planalign_core.errors import StoreError
from planalign_core.store.database import STREAMED_ROWS, Database
from planalign_core.store.tables import BALANCES_TABLE
from planalign_core.store.writer import ScenarioWriter


class GatedDatabase:
    """Stores a table's frame when its gate is open; records the order, and the keyed strings
    each write came with."""

    def __init__(self, *tables: str) -> None:
        self.gates = {table: threading.Event() for table in tables}
        self.stored: list[str] = []
        self.strings: list[object] = []

    def replace_scenario_rows(
        self, table: str, frame: pl.DataFrame, scenario_id: str, *, strings: object = None
    ) -> None:
        self._store(table, strings)

    def append(self, table: str, frame: pl.DataFrame, *, strings: object = None) -> None:
        self._store(table, strings)

    def _store(self, table: str, strings: object) -> None:
        assert self.gates[table].wait(10), f"{table}'s gate never opened"
        self.stored.append(table)
        self.strings.append(strings)


def frame_of(megabytes: int) -> pl.DataFrame:
    """A frame Polars sizes at ``megabytes`` MiB (Int64: 8 bytes a row)."""
    return pl.DataFrame({"x": pl.zeros(megabytes * 2**17, dtype=pl.Int64, eager=True)})


def writer_with(db: GatedDatabase, *writes: tuple[str, int]) -> ScenarioWriter:
    writer = ScenarioWriter(cast(Database, db), "s")
    for table, megabytes in writes:
        writer.write(table, frame_of(megabytes))
    return writer


def in_thread(call: Any, *args: Any, **kwargs: Any) -> threading.Thread:
    thread = threading.Thread(target=call, args=args, kwargs=kwargs, daemon=True)
    thread.start()
    return thread


def test_a_large_year_is_stored_down_to_the_byte_limit_before_the_run_goes_on() -> None:
    """16 MiB then 1 MiB pending, a limit of 4 MiB: the run waits for the first write, not
    for the second."""
    db = GatedDatabase("big", "small")
    writer = writer_with(db, ("big", 16), ("small", 1))
    waiting = in_thread(writer.backlog, 2, at_most_bytes=4 * 2**20)
    waiting.join(0.3)
    assert waiting.is_alive()  # "big" is not stored yet
    db.gates["big"].set()
    waiting.join(10)
    assert not waiting.is_alive()
    assert db.stored == ["big"]  # "small" still waits behind its gate
    db.gates["small"].set()
    writer.wait()
    assert db.stored == ["big", "small"]


def test_without_a_byte_limit_only_the_count_is_waited_for() -> None:
    db = GatedDatabase("big", "small")
    writer = writer_with(db, ("big", 16), ("small", 1))
    waiting = in_thread(writer.backlog, 2)
    waiting.join(10)
    assert not waiting.is_alive() and db.stored == []
    for gate in db.gates.values():
        gate.set()
    writer.wait()


def test_frames_under_the_limit_are_not_waited_for() -> None:
    """A year of small frames (a 100k-employee run's) overlaps the next year's compute."""
    db = GatedDatabase("a", "b")
    writer = writer_with(db, ("a", 1), ("b", 1))
    waiting = in_thread(writer.backlog, 2, at_most_bytes=4 * 2**20)
    waiting.join(10)
    assert not waiting.is_alive() and db.stored == []
    for gate in db.gates.values():
        gate.set()
    writer.wait()


def rows_of(count: int) -> pl.DataFrame:
    return pl.DataFrame({"x": pl.zeros(count, dtype=pl.Int64, eager=True)})


def test_early_frames_are_taken_while_the_writer_stores_nothing_else() -> None:
    """Idle, the writer takes a large early frame, and another while only early frames wait."""
    db = GatedDatabase("events", "snapshot")
    writer = ScenarioWriter(cast(Database, db), "s")
    assert writer.write_if_free("events", rows_of(STREAMED_ROWS))
    assert writer.write_if_free("snapshot", rows_of(STREAMED_ROWS))
    for gate in db.gates.values():
        gate.set()
    writer.wait()
    assert db.stored == ["events", "snapshot"]


def test_a_large_early_frame_is_declined_while_a_year_is_stored() -> None:
    """A year's write unfinished: a large early frame is declined (the run writes it with its
    year), a small one (one DuckDB thread) is taken."""
    db = GatedDatabase("year", "small")
    writer = writer_with(db, ("year", 1))
    assert not writer.write_if_free("large", rows_of(STREAMED_ROWS))
    assert writer.write_if_free("small", rows_of(STREAMED_ROWS - 1))
    for gate in db.gates.values():
        gate.set()
    writer.wait()
    assert db.stored == ["year", "small"]


def test_a_frame_of_two_plan_designs_is_refused_as_it_is_submitted() -> None:
    """A run's table frame is checked on the submitting thread: one holding two
    ``plan_design_id`` values is refused by ``write`` itself, named, before anything is queued;
    a good one goes to the store with the strings it was checked for."""

    def rows(*plans: str) -> pl.DataFrame:
        return pl.DataFrame({"scenario_id": ["s"] * len(plans), "plan_design_id": list(plans)})

    db = GatedDatabase(BALANCES_TABLE)
    db.gates[BALANCES_TABLE].set()
    writer = ScenarioWriter(cast(Database, db), "s")
    with pytest.raises(StoreError, match=f"{BALANCES_TABLE}: one write holds more than one"):
        writer.write(BALANCES_TABLE, rows("standard", "richer"))
    assert writer.submitted == 0
    writer.write(BALANCES_TABLE, rows("standard", "standard"))
    writer.write(BALANCES_TABLE, rows().cast(pl.String))  # no rows, no key: nothing to check
    writer.wait()
    assert db.strings == [("standard", None), None]
