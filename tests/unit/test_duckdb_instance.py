"""DuckDB's instance is made on a thread while a database command's modules import, and the
command's database uses that instance (``planalign_core.duckdb_instance``)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from planalign_core import duckdb_instance
from planalign_core.cli import main
from planalign_core.commands import command_module
from planalign_core.store import Database


@pytest.fixture(autouse=True)
def _nothing_prepared() -> None:
    duckdb_instance.connection().close()  # takes (and closes) one a previous test left


def test_the_database_uses_the_prepared_instance(tmp_path: Path) -> None:
    duckdb_instance.prepare()
    prepared = duckdb_instance.pending.thread
    assert prepared is not None
    prepared.join()
    made = duckdb_instance.pending.made[0]
    with Database(tmp_path / "run.duckdb") as db:
        assert db.connection is made
        assert db.scalar("SELECT current_database()") == "planalign"
    assert duckdb_instance.pending.made == []


def test_preparing_twice_makes_one_instance() -> None:
    duckdb_instance.prepare()
    first = duckdb_instance.pending.thread
    duckdb_instance.prepare()
    assert duckdb_instance.pending.thread is first
    duckdb_instance.connection().close()
    assert duckdb_instance.pending.made == [] and duckdb_instance.pending.thread is None


def test_without_a_prepared_instance_each_connection_is_new() -> None:
    one, two = duckdb_instance.connection(), duckdb_instance.connection()
    one.execute("CREATE TABLE only_here (x INTEGER)")
    assert two.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]


def test_a_failed_preparation_is_reported_by_the_connection_made_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def connect() -> duckdb.DuckDBPyConnection:
        calls.append(1)
        raise duckdb.IOException("no memory for an instance")

    monkeypatch.setattr(duckdb, "connect", connect)
    duckdb_instance.prepare()
    with pytest.raises(duckdb.IOException, match="no memory for an instance"):
        duckdb_instance.connection()
    assert calls == [1, 1]  # the thread's attempt (silent), then the caller's (raised)


@pytest.mark.parametrize(("command", "prepared"), [("simulate", True), ("schema", False)])
def test_the_cli_prepares_an_instance_only_for_a_database_command(
    command: str, prepared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []

    def run(args: argparse.Namespace) -> int:
        pending = duckdb_instance.pending
        seen.append(pending.thread is not None or bool(pending.made))
        return 0

    monkeypatch.setattr(command_module(command), "run", run)
    assert main([command]) == 0
    assert seen == [prepared]


def test_preparing_imports_nothing_but_duckdb() -> None:
    """The CLI prepares the instance before the command's module imports: the module must not
    pull in Polars or the package's own modules, or their import would come first."""
    code = (
        "import sys; import planalign_core.duckdb_instance; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('polars', 'pydantic') "
        "or (m.startswith('planalign_core.') and m != 'planalign_core.duckdb_instance')))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
