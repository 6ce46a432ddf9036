"""Faults a user or the machine causes, end to end through the real console script: Ctrl-C and
SIGTERM mid-run, a ``--db`` whose parent is a file, a killed run's scratch folder. Each ends in
one line naming the fault, an exit status a shell understands, and the database as it was;
so does a run stopped mid-way at one of the bounds of a run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from planalign_core.cli import main

PLANALIGN = str(Path(sys.executable).parent / "planalign")
HANG_GUARD_S = 30  # generous on a loaded CI machine; the 2 s goal is measured by hand (docs)


def _state(db: Path) -> list[tuple[object, ...]]:
    """What a run stored: rows per table, and the run's metadata identity."""
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM fct_yearly_events), "
            "(SELECT count(*) FROM fct_workforce_snapshot), "
            "(SELECT string_agg(scenario_id || ':' || seed, ',') FROM run_metadata)"
        ).fetchall()


def _interrupted(
    db: Path, signum: int, *extra: str, env: dict[str, str] | None = None
) -> tuple[int, str, float]:
    """Start a long run, wait until it is under way, send ``signum``; exit code, stderr, and
    seconds from the signal to the exit."""
    process = subprocess.Popen(
        [PLANALIGN, "simulate", "--db", str(db), "--seed", "9", *extra],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stderr is not None
    first = ""
    while "1/" not in first:  # the first year's progress line: the run is under way
        line = process.stderr.readline()
        assert line, f"the run ended before its first year: {first}"
        first += line
    process.send_signal(signum)
    sent = time.perf_counter()
    _, err = process.communicate(timeout=HANG_GUARD_S)
    return process.returncode, first + err, time.perf_counter() - sent


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    db = tmp_path / "run.duckdb"
    assert main(["simulate", "--employees", "200", "--years", "2", "--db", str(db), "--quiet"]) == 0
    return db


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_writes_nothing(stored: Path, signum: int, code: int) -> None:
    before = _state(stored)
    returncode, err, _ = _interrupted(stored, signum, "--employees", "60000", "--years", "5")
    assert returncode == code, err
    assert "planalign simulate: interrupted, nothing written" in err
    assert "Traceback" not in err
    assert _state(stored) == before


@pytest.mark.parametrize("engine", ["polars", "dbt"])
def test_a_run_stopped_at_a_bound_writes_nothing(
    stored: Path, tmp_path: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rules, "Bounds": a 100 % COLA takes the packaged top pay ($320,000 at most) past $100
    million in 2033, the ninth year. The run stops there, mid-run, after eight years were stored
    in its transaction: the file keeps only the run stored before."""
    before = _state(stored)
    config = tmp_path / "cola.toml"
    config.write_text("[compensation]\ncola_rate = 1\n", encoding="utf-8")
    argv = ["simulate", "--db", str(stored), "--config", str(config), "--scenario", "cola"]
    argv += ["--employees", "60", "--years", "10", "--engine", engine, "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "year 2033: employee E00000" in err and "Traceback" not in err, err
    assert _state(stored) == before


def test_an_interrupted_dbt_run_leaves_no_scratch_folder(stored: Path, tmp_path: Path) -> None:
    pytest.importorskip("dbt.cli.main")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    before = _state(stored)
    returncode, err, _ = _interrupted(
        stored, signal.SIGINT, "--engine", "dbt", "--employees", "300", "--years", "5",
        env={"TMPDIR": str(scratch)},
    )  # fmt: skip
    assert returncode == 130, err
    assert "interrupted, nothing written" in err and "Traceback" not in err
    assert list(scratch.glob("planalign-dbt-*")) == []
    assert _state(stored) == before


def test_a_killed_runs_scratch_folder_is_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of a process that no longer runs goes; a live process's stays; ours is 0700."""
    from planalign_core.engines.dbt_driver import scratch_workdir  # noqa: PLC0415

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile  # noqa: PLC0415

    monkeypatch.setattr(tempfile, "tempdir", None)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = tmp_path / f"planalign-dbt-{dead.stdout.strip()}-abc"
    (leftover / "census").mkdir(parents=True)
    live = tmp_path / f"planalign-dbt-{os.getppid()}-def"
    live.mkdir()
    made = scratch_workdir()
    assert not leftover.exists()
    assert live.exists()
    assert made.name.startswith(f"planalign-dbt-{os.getpid()}-")
    assert made.stat().st_mode & 0o777 == 0o700


def test_a_db_whose_parent_is_a_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(
        [
            "simulate",
            "--employees",
            "20",
            "--years",
            "1",
            "--quiet",
            "--db",
            str(blocker / "run.duckdb"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"planalign simulate: error: {blocker}" in err
    assert "Not a directory" in err or "File exists" in err


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a real ENOSPC (needs root to mount; skipped elsewhere)."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_named_and_leaves_no_file(
    full_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = full_disk / "run.duckdb"
    code = main(["simulate", "--employees", "3000", "--years", "2", "--quiet", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2
    assert "No space left on device" in err
    assert "Traceback" not in err and "transaction is aborted" not in err
    assert list(full_disk.iterdir()) == []  # the file the run created is gone
