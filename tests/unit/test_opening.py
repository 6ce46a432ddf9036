"""The run's file opened on a thread while the engine starts (``store/opening.py``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from planalign_core import simulate
from planalign_core.errors import ConfigError, StoreError
from planalign_core.store import Database
from planalign_core.store.opening import opened_meanwhile


class Recorded(Database):
    """A Database that notes the thread that opened it and whether it was closed."""

    def __init__(self, path: Path) -> None:
        self.opened_on = threading.current_thread().name
        self.closed = False
        super().__init__(path)

    def close(self) -> None:
        self.closed = True
        super().close()


def _recorded(tmp_path: Path) -> tuple[list[Recorded], Callable[[], Recorded]]:
    """The databases made so far, and a function that opens one more (``run.duckdb``)."""
    made: list[Recorded] = []

    def open_database() -> Recorded:
        made.append(Recorded(tmp_path / "run.duckdb"))
        return made[-1]

    return made, open_database


def _folder(tmp_path: Path) -> Path:
    """A path DuckDB cannot open as a file."""
    folder = tmp_path / "a folder"
    folder.mkdir()
    return folder


def test_the_database_is_opened_on_another_thread_and_taken(tmp_path: Path) -> None:
    made, open_database = _recorded(tmp_path)
    with opened_meanwhile(open_database) as opening, opening.take() as db:
        assert db.scalar("SELECT 42") == 42
    assert made[0].opened_on != threading.current_thread().name
    assert made[0].closed  # by the caller's own `with`, not twice


def test_a_database_not_taken_is_closed(tmp_path: Path) -> None:
    made, open_database = _recorded(tmp_path)
    with pytest.raises(ValueError, match="the engine failed"), opened_meanwhile(open_database):
        raise ValueError("the engine failed")
    assert len(made) == 1 and made[0].closed


@pytest.mark.parametrize("step", ["take", "wait"])
def test_an_error_opening_is_raised_where_the_database_is_taken_or_waited_for(
    tmp_path: Path, step: str
) -> None:
    folder = _folder(tmp_path)
    with (
        opened_meanwhile(lambda: Database(folder)) as opening,
        pytest.raises(StoreError, match="cannot open"),
    ):
        getattr(opening, step)()


def test_waiting_leaves_the_database_to_the_block(
    tmp_path: Path,
) -> None:
    made, open_database = _recorded(tmp_path)
    with (
        pytest.raises(ValueError, match="after waiting"),
        opened_meanwhile(open_database) as opening,
    ):
        opening.wait()
        assert not made[0].closed
        raise ValueError("after waiting")
    assert made[0].closed  # waited for, never taken: the block's end closed it


def test_a_locked_file_stops_a_dbt_run_before_dbt_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dbt engine's start takes seconds (its parse, its first year): a file that cannot be
    opened is named before it, as before the file was opened on a thread."""
    started: list[str] = []

    def start(spec: simulate.RunSpec, *_args: object) -> None:
        started.append(spec.engine)
        raise AssertionError("the engine started")

    monkeypatch.setattr(simulate, "_start_engine", start)
    folder = _folder(tmp_path)
    spec = simulate.RunSpec(years=1, start_year=2025, seed=7, employees=20, engine="dbt")
    with pytest.raises(StoreError, match="cannot open"):
        simulate.run(spec, folder)
    assert started == []


def test_a_run_whose_engine_fails_to_start_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is opened while the engine starts; an engine that fails then (dbt's first
    build, say) leaves no new file behind, and its own error is the one raised."""

    def failing(*_args: object) -> None:
        raise ConfigError("the engine's start failed")

    monkeypatch.setattr(simulate, "_start_engine", failing)
    path = tmp_path / "run.duckdb"
    spec = simulate.RunSpec(years=1, start_year=2025, seed=7, employees=20)
    with pytest.raises(ConfigError, match="the engine's start failed"):
        simulate.run(spec, path)
    assert not path.exists()
    assert not path.with_name("run.duckdb.wal").exists()
