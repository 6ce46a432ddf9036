"""The whole runs' folders (``benchmarks/run_folders.py``) are removed once their owner ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import run_folders

pytestmark = pytest.mark.skipif(not run_folders.PROC.is_dir(), reason="needs /proc")


def _ended_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _folder(parent: Path, name: str, owner: int | None, age_s: float = 0.0) -> Path:
    folder = parent / f"{run_folders.PREFIX}{name}"
    folder.mkdir()
    (folder / "run.duckdb").write_bytes(b"rows")
    if owner is not None:
        (folder / run_folders.OWNER_FILE).write_text(str(owner), encoding="utf-8")
    stamp = time.time() - age_s
    os.utime(folder, (stamp, stamp))
    return folder


def test_only_folders_of_ended_owners_or_old_orphans_are_removed(tmp_path: Path) -> None:
    ended = _folder(tmp_path, "ended", _ended_pid())
    live = _folder(tmp_path, "live", os.getpid(), age_s=3 * run_folders.ORPHAN_SECONDS)
    old_orphan = _folder(tmp_path, "old", None, age_s=run_folders.ORPHAN_SECONDS + 60)
    new_orphan = _folder(tmp_path, "new", None, age_s=60)
    other = tmp_path / "planalign-bench-other"
    other.mkdir()
    removed = run_folders.remove_stale(tmp_path)
    assert sorted(removed) == sorted([ended, old_orphan])
    assert not ended.exists() and not old_orphan.exists()
    assert live.exists() and new_orphan.exists() and other.exists()


def test_the_owner_is_the_first_process_above_asvs_benchmark_processes() -> None:
    """A process that is not asv's owns its runs; one whose command is asv's benchmark
    process is passed over for its parent (here, this test's process)."""
    assert run_folders.benchmark_owner() == os.getpid()
    worker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "asv/benchmark.py"]
    )
    try:
        deadline = time.monotonic() + 10
        while "asv/benchmark" not in (run_folders._command(worker.pid) or ""):
            assert time.monotonic() < deadline, "the child never showed its command line"
            time.sleep(0.01)
        assert run_folders.benchmark_owner(worker.pid) == os.getpid()
    finally:
        worker.kill()
        worker.wait()


def test_a_new_folder_names_its_owner_and_clears_ended_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_folders.tempfile, "tempdir", str(tmp_path))
    ended = _folder(tmp_path, "ended", _ended_pid())
    folder = run_folders.new_folder()
    assert folder.parent == tmp_path and folder.name.startswith(run_folders.PREFIX)
    assert (folder / run_folders.OWNER_FILE).read_text(encoding="utf-8") == str(os.getpid())
    assert not ended.exists()
