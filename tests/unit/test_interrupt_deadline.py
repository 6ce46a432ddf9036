"""The CLI's interrupt deadline (``cli.InterruptDeadline``): a main thread that cannot end the
run within the deadline after Ctrl-C or SIGTERM is ended at it, having removed what the run
registered (``planalign_core.cleanup``); one that ends in time is left alone."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from planalign_core import cleanup, cli
from planalign_core.cli import InterruptDeadline

# A program whose main thread is held past the deadline after the signal: its handler sleeps,
# as a Polars query or a DuckDB statement under way holds Python's handlers back.
_HELD = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path
    from planalign_core import cleanup
    from planalign_core.cli import InterruptDeadline

    def slow(signum, frame):
        time.sleep(60)

    signal.signal(signal.SIGINT, slow)
    signal.signal(signal.SIGTERM, slow)
    partial, kept = Path(sys.argv[1]), Path(sys.argv[2])
    with InterruptDeadline("simulate", seconds=float(sys.argv[3])):
        partial.write_text("uncommitted")
        cleanup.register(partial)
        print("under way", flush=True)
        time.sleep(60)
    print("not interrupted")
    """
)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_held_main_thread_is_ended_at_the_deadline(
    tmp_path: Path, signum: int, code: int
) -> None:
    """Exit 130 (143) about the deadline after the signal, the line printed, the registered
    file removed and an unregistered one kept."""
    partial, kept = tmp_path / "new.duckdb", tmp_path / "existing.duckdb"
    kept.write_text("committed before")
    process = subprocess.Popen(
        [sys.executable, "-c", _HELD, str(partial), str(kept), "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "under way\n"
    sent = time.perf_counter()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    took = time.perf_counter() - sent
    assert process.returncode == code, err
    assert err.strip() == "planalign simulate: interrupted, nothing written"
    assert 0.5 <= took < 20, took  # the deadline, then no more than process start-up slack
    assert not partial.exists()
    assert kept.read_text() == "committed before"


def test_a_main_thread_that_ends_in_time_is_left_alone(tmp_path: Path) -> None:
    """The run handles Ctrl-C itself before the deadline: the process goes on, and what was
    registered is the run's to clean (still registered while inside)."""
    path = tmp_path / "scratch"
    path.mkdir()
    # Python's own Ctrl-C handler, whatever the test runner installed (pytest-xdist's workers
    # ignore SIGINT).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), InterruptDeadline("simulate", seconds=0.2):
            cleanup.register(path)
            # to this (the main) thread, whose handler must interrupt the sleep below
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            time.sleep(5)  # the handler raises KeyboardInterrupt here
        time.sleep(0.5)  # past the deadline: an os._exit would have ended this test's process
        assert path.is_dir()
    finally:
        signal.signal(signal.SIGINT, previous)
        cleanup.forget(path)


def test_removal_takes_files_and_folders_newest_first(tmp_path: Path) -> None:
    """Registered files and folders are removed, missing ones skipped, forgotten ones kept."""
    folder, file, gone, forgotten = (tmp_path / n for n in ("dir", "f", "gone", "kept"))
    folder.mkdir()
    (folder / "inner").write_text("x")
    file.write_text("x")
    forgotten.write_text("x")
    for path in (folder, file, gone, forgotten):
        cleanup.register(path)
    cleanup.forget(forgotten)
    removed = cleanup.remove_registered()  # also what earlier tests in this process left
    assert [path for path in removed if path.parent == tmp_path] == [file, folder]
    assert not folder.exists() and not file.exists() and forgotten.exists()


# A command interrupted while a library calls back into Python: the handler's exception is
# "ignored" there, and the library raises its own error instead (as Polars did in CI, a
# TypeError while it asked Python for a data type). The child gives itself Python's Ctrl-C
# handler, as an interactive shell does: a script that starts a job with ``&`` hands it SIGINT
# ignored, the child inherits that, and the CLI rightly leaves an ignored SIGINT alone (a CI
# run started that way returned 0). The signal goes to the main thread, and the loop waits
# for its handler, at most 10 s.
_SWALLOWED = textwrap.dedent(
    """
    import signal, sys, threading, time
    from planalign_core import cli

    signal.signal(signal.SIGINT, signal.default_int_handler)

    def swallowing(args):
        try:
            signal.pthread_kill(threading.main_thread().ident, getattr(signal, sys.argv[1]))
            waited = time.monotonic() + 10
            while time.monotonic() < waited:
                pass
        except KeyboardInterrupt:
            raise TypeError("'<unprintable str object>' is not a Polars data type") from None
        return 0

    parser = cli.build_parser(["config", "show"])
    args = parser.parse_args(["config", "show"])
    args.run = swallowing
    args.console_script = False
    sys.exit(cli._run(args))
    """
)


@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_that_surfaces_as_a_librarys_error_ends_as_interrupted(
    name: str, code: int
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SWALLOWED, name],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert "interrupted" in done.stderr
    assert "TypeError" not in done.stderr


class _RaisesOnDelete:
    """An object whose finaliser is interrupted: Python cannot raise there, and reports it."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


def test_an_interrupt_python_could_not_raise_prints_no_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a handler recorded the signal, Python's "Exception ignored" report of the
    interrupt (as CI met it, inside a Polars call) is left out; the run ends "interrupted" by
    the recorded signal. An interrupt the handlers did not record goes to the hook as before
    (Python's own, which prints it; a recorder here)."""
    reported: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(type(u.exc_value)))
    monkeypatch.setattr(cli, "_received", [signal.SIGINT])
    with cli.quiet_recorded_interrupts():
        _RaisesOnDelete()
    assert reported == []
    monkeypatch.setattr(cli, "_received", [])
    with cli.quiet_recorded_interrupts():
        _RaisesOnDelete()
    assert reported == [KeyboardInterrupt]
