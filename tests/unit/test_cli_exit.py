"""The console script ends without the interpreter's teardown, but only once what the teardown
would do that matters is done: exit handlers run, output flushed, other threads finished."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

BIN = Path(sys.executable).parent


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, check=False, timeout=60, env=env,
    )  # fmt: skip


def test_the_code_stands_and_exit_handlers_run_before_the_buffered_output_is_flushed() -> None:
    done = _python(
        """
        import atexit, sys
        from planalign_core.cli import exit_promptly
        class Kept:
            def __del__(self):
                print(" finalized", end="")

        kept = Kept()  # finalized only by the interpreter's teardown
        atexit.register(lambda: print("handler", end=""))
        print("command ", end="")
        sys.stderr.write("note")
        exit_promptly(3)
        print("never")
        """
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "command handler", "note")


def test_a_live_thread_is_waited_for_as_python_would() -> None:
    done = _python(
        """
        import threading, time
        from planalign_core.cli import exit_promptly
        threading.Thread(target=lambda: (time.sleep(0.3), print("late"))).start()
        exit_promptly(0)
        """
    )
    assert (done.returncode, done.stdout) == (0, "late\n")


def test_the_console_script_keeps_its_exit_codes_and_output(tmp_path: Path) -> None:
    planalign = str(BIN / "planalign")
    shown = subprocess.run(
        [planalign, "config", "show"], capture_output=True, text=True, check=False, timeout=120
    )
    ordinary = _python(
        "import sys; from planalign_core.cli import main; sys.exit(main(['config', 'show']))"
    )
    assert shown.returncode == ordinary.returncode == 0, shown.stderr
    assert shown.stdout == ordinary.stdout and "compensation.cola_rate" in shown.stdout
    missing = subprocess.run(
        [planalign, "validate", str(tmp_path / "absent.jsonl")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 2 and "absent.jsonl" in missing.stderr


def test_under_a_profiler_the_process_exits_the_ordinary_way() -> None:
    done = _python(
        """
        import sys
        from planalign_core.cli import exit_promptly

        sys.setprofile(lambda *args: None)
        try:
            exit_promptly(4)
        except SystemExit as exit:
            sys.setprofile(None)
            print("ordinary", exit.code, end="")
        """
    )
    assert done.stdout == "ordinary 4"


def _without_allocator_settings() -> dict[str, str]:
    """This environment without ``_RJEM_MALLOC_CONF`` (Polars, imported here, wrote it)."""
    return {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}


def _allocator_settings(preset: str | None) -> str:
    """``_RJEM_MALLOC_CONF`` as the console script leaves it, in a process started with it set
    to ``preset`` (None: not set)."""
    env = _without_allocator_settings()
    if preset is not None:
        env["_RJEM_MALLOC_CONF"] = preset
    code = """
        import os
        from planalign_core import cli
        cli.main = lambda **_: 0  # the command does not matter, the console script's start does
        cli.exit_promptly = lambda code: None
        cli.entry_point()
        print(os.environ['_RJEM_MALLOC_CONF'])
        """
    done = _python(code, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_console_script_lets_polars_keep_freed_memory_for_a_run() -> None:
    """Polars' allocator keeps freed pages for seconds, not half of one (a run frees each
    year's frames and would fault fresh pages in for the next); a user's setting wins, but
    not Polars' own, which a parent process that imported Polars passes on; and Polars reads
    the variable when it loads, so setting it before that import takes effect."""
    from planalign_core.cli import (  # noqa: PLC0415
        POLARS_ALLOCATOR_SETTINGS,
        POLARS_OWN_ALLOCATOR_SETTINGS,
    )

    assert _allocator_settings(None) == POLARS_ALLOCATOR_SETTINGS
    assert _allocator_settings(POLARS_OWN_ALLOCATOR_SETTINGS) == POLARS_ALLOCATOR_SETTINGS
    assert _allocator_settings("narenas:2") == "narenas:2"
    read = _python(
        """
        import os
        os.environ['_RJEM_MALLOC_CONF'] = 'dirty_decay_ms:2345,stats_print:true'
        import polars as pl
        pl.DataFrame({'a': [1]}).sum()
        """
    )
    assert "opt.dirty_decay_ms: 2345" in read.stdout + read.stderr
    # what Polars writes for itself when it is imported in a process with no setting
    own = _python(
        "import os, polars; print(os.environ['_RJEM_MALLOC_CONF'])", _without_allocator_settings()
    )
    assert own.stdout.strip() in (POLARS_OWN_ALLOCATOR_SETTINGS, "")
    loaded = _python("import sys, planalign_core.cli; print('polars' in sys.modules)")
    assert loaded.stdout.strip() == "False"  # the console script's module loads no Polars
