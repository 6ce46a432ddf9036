"""The ``planalign`` command line: a thin dispatcher over ``planalign_core.commands``.

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``;
``main(argv)`` is what tests call, ``entry_point`` what the console script calls.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from planalign_core.commands import COMMAND_HELP, DATABASE_COMMANDS, command_module
from planalign_core.errors import PlanalignError, PlanalignWarning

# Polars' allocator (jemalloc) gives memory freed for 0.5 s back to the system; a run frees
# each year's frames and faults fresh pages in for the next. The console script (never an
# importing program) lets it keep them for 2 s, unless the user set the variable: 100k x 5
# whole processes 0.21 s faster (6 alternated pairs), 40-60 MiB more peak; 5000 ms cost
# 150 MiB for the same time, and 5k x 5 runs are too short for either to matter (28 November).
# Polars writes the variable when it is imported (its own settings, then the user's), so a
# process started by one that imported Polars inherits Polars' settings: not a user's choice.
POLARS_ALLOCATOR_VARIABLE = "_RJEM_MALLOC_CONF"
POLARS_ALLOCATOR_SETTINGS = "dirty_decay_ms:2000"
POLARS_OWN_ALLOCATOR_SETTINGS = "dirty_decay_ms:500,muzzy_decay_ms:1000"


class _Version(argparse.Action):
    """``--version``: the package version is looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from planalign_core import __version__  # noqa: PLC0415 - importlib.metadata, ~50 ms

        parser.exit(message=f"planalign {__version__}\n")


def _chosen(argv: Sequence[str] | None) -> set[str]:
    """The commands whose modules the parser needs: the one named in ``argv`` (its first
    argument that is not an option), or every one when none is named (``--help``, errors)."""
    words = sys.argv[1:] if argv is None else list(argv)
    named = next((w for w in words if not w.startswith("-")), None)
    return {named} if named in COMMAND_HELP else set(COMMAND_HELP)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the named command's module is imported (a command's imports, e.g.
    Polars and DuckDB for ``simulate``, cost more than the rest of the start-up). A command
    that opens a DuckDB file has DuckDB's instance made on a thread meanwhile."""
    parser = argparse.ArgumentParser(
        prog="planalign", description="Exact, fast 401(k) workforce simulation."
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "--debug", action="store_true", help="show Python's traceback for any error"
    )
    parser.set_defaults(console_script=False)  # ``main(console_script=True)`` sets it
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    if len(chosen) == 1 and chosen <= DATABASE_COMMANDS:
        from planalign_core import duckdb_instance  # noqa: PLC0415 - DuckDB only when it is used

        duckdb_instance.prepare()
    for name, text in COMMAND_HELP.items():
        command = sub.add_parser(name, help=text, description=text)
        if name in chosen:
            module = command_module(name)
            module.add_arguments(command)
            command.set_defaults(run=module.run)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C so the same clean-up runs."""


# The interrupting signals the command received, recorded by the handlers before they raise:
# an interrupt raised while a library is calling back into Python (Polars asking for a data
# type) is reported by Python as "Exception ignored" and reaches the command as that library's
# own error (a TypeError), and the run must still end as interrupted (130 or 143).
_received: list[signal.Signals] = []


@contextmanager
def quiet_recorded_interrupts() -> Iterator[None]:
    """Leave out Python's "Exception ignored" report of an interrupt it could not raise (a
    library was calling back into Python): the handlers recorded it, and the command ends as
    interrupted (130 or 143) all the same. Any other such report is printed as before."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if _received and isinstance(unraisable.exc_value, KeyboardInterrupt):
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _on_sigterm(signum: int, frame: object) -> None:
    _received.append(signal.SIGTERM)
    raise Terminated


def _on_sigint(signum: int, frame: object) -> None:
    _received.append(signal.SIGINT)
    raise KeyboardInterrupt


def _machine_error(exc: BaseException) -> str | None:
    """A one-line message for a fault of the machine or the file system (a full disk, a path
    whose parent is a file, a DuckDB I/O error), else None: a bug keeps its traceback."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb"):
        return _duckdb_message(exc)
    return None


# DuckDB's own faults (a failed internal assertion), as against an error of the statement or
# the file: the input is not at fault, and the message says so.
_DUCKDB_FAULTS = ("InternalException", "FatalException")
_ORIGINAL = "Original error:"


def _duckdb_message(exc: BaseException) -> str:
    """DuckDB's first line; for one of its internal faults, the fault itself (a fatal error's
    first line only says that the database was invalidated: the cause follows, "Original
    error: ...") named as DuckDB's, with its version."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    if type(exc).__name__ not in _DUCKDB_FAULTS:
        return f"DuckDB: {first}"
    cause = next((line for line in lines if line.startswith(_ORIGINAL)), first)
    cause = cause.removeprefix(_ORIGINAL).strip().strip('"')
    version = getattr(sys.modules.get("duckdb"), "__version__", "?")
    return (
        f"DuckDB {version} failed inside ({cause}): a fault of DuckDB, not of the input "
        "(docs/troubleshooting.md)"
    )


# How long the main thread has, after Ctrl-C or SIGTERM, to end the run cleanly (the goal is
# 2 s: docs/troubleshooting.md, "Interrupting a run").
INTERRUPT_DEADLINE_SECONDS = 1.5
_EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class InterruptDeadline:
    """Ctrl-C and SIGTERM end the process within :data:`INTERRUPT_DEADLINE_SECONDS`.

    Python runs a signal's handler in the main thread between bytecodes, so a Polars query or
    a DuckDB statement under way holds the clean exit back until it returns. The C-level
    handler writes the signal's number to a pipe (``signal.set_wakeup_fd``) at once; a daemon
    thread reading it waits the deadline for the main thread to finish, and past it prints the
    same line, removes what the run registered (``planalign_core.cleanup``) and ends the
    process (``os._exit``): nothing is committed then, so nothing is written.
    """

    def __init__(self, command: str, seconds: float = INTERRUPT_DEADLINE_SECONDS) -> None:
        self.command = command
        self.seconds = seconds
        self._finished = threading.Event()
        self._writer = -1
        self._previous = -1

    def __enter__(self) -> InterruptDeadline:
        if threading.current_thread() is not threading.main_thread():
            return self
        reader, self._writer = os.pipe()
        os.set_blocking(self._writer, False)
        self._previous = signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        name = "planalign-interrupt-deadline"
        threading.Thread(target=self._watch, args=(reader,), name=name, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finished.set()
        if self._writer >= 0:
            signal.set_wakeup_fd(self._previous)
            os.close(self._writer)  # the watcher reads end-of-file and stops

    def _watch(self, reader: int) -> None:
        with os.fdopen(reader, "rb", buffering=0) as pipe:
            while byte := pipe.read(1):
                if byte[0] in _EXIT_CODES:
                    self._expire(_EXIT_CODES[signal.Signals(byte[0])])
                    return

    def _expire(self, code: int) -> None:
        if self._finished.wait(self.seconds):
            return
        from planalign_core import cleanup  # noqa: PLC0415 - only when the deadline passes

        cleanup.remove_registered()
        print(f"planalign {self.command}: {interrupted(self.command)}", file=sys.stderr)
        sys.stderr.flush()
        os._exit(code)


def main(argv: Sequence[str] | None = None, *, console_script: bool = False) -> int:
    """Run one command; errors the user can fix are printed, not raised; planalign's warnings
    are printed as one line each, on every run (never deduplicated away). Ctrl-C and SIGTERM
    end it with "interrupted" and the shell's codes 130 and 143; every write is one
    transaction, so nothing is written. ``--debug`` shows the traceback instead.

    The command's imports (Polars, DuckDB, Pydantic, the engine) allocate objects that all
    stay alive: the cyclic collector is paused while they load and then leaves them out of
    its passes (``gc.freeze``) until the command ends. It had run about 120 times over them,
    26-38 ms of a 1.1 s 5k x 5 run (``gc.callbacks``, 28 November). A caller's own settings
    are kept: a collector it disabled stays disabled, objects it froze stay frozen (and then
    nothing more is frozen, since unfreezing would release its objects too).

    ``console_script`` (``args.console_script``): the process ends with the command, so the
    command may change what cannot be undone (``planalign_core.priority``).
    """
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        args = build_parser(argv).parse_args(argv)
    finally:
        if enabled:
            gc.enable()
    args.console_script = console_script
    if frozen:
        return _run(args)
    gc.freeze()
    try:
        return _run(args)
    finally:
        gc.unfreeze()  # as before at exit: objects alive at shutdown are collected there


def _run(args: argparse.Namespace) -> int:
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *rest: object, **kw: object) -> None:
        if issubclass(category, PlanalignWarning):
            print(f"planalign {args.command}: warning: {message}", file=sys.stderr)
        else:
            shown(message, category, *rest, **kw)  # type: ignore[arg-type]

    _received.clear()
    previous = _install(signal.SIGTERM, _on_sigterm)
    ctrl_c = signal.getsignal(signal.SIGINT) is signal.default_int_handler  # not ignored
    previous_int = _install(signal.SIGINT, _on_sigint) if ctrl_c else None
    try:
        with (
            InterruptDeadline(args.command),
            quiet_recorded_interrupts(),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("always", PlanalignWarning)
            warnings.showwarning = show
            code: int = args.run(args)
    except PlanalignError as exc:
        return _fail(args, f"error: {exc}", 2)
    except KeyboardInterrupt as exc:
        if args.debug:
            raise
        signalled = isinstance(exc, Terminated)
        return _fail(args, interrupted(args.command), 143 if signalled else 130)
    except BrokenPipeError:  # ``planalign config show | head``: the reader left, not a fault
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        if _received and not args.debug:  # the interrupt, surfacing as a library's error
            return _fail(args, interrupted(args.command), _EXIT_CODES[_received[0]])
        message = _machine_error(exc)
        if message is None or args.debug:
            raise
        return _fail(args, f"error: {message}; nothing written (--debug for the traceback)", 2)
    finally:
        _install(signal.SIGTERM, previous)
        _install(signal.SIGINT, previous_int)
    return code


def interrupted(command: str) -> str:
    """What an interrupted command says: a command that keeps what it finished (a sweep's
    runs) says so in its module's ``INTERRUPTED``."""
    message: str = getattr(command_module(command), "INTERRUPTED", "interrupted, nothing written")
    return message


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    print(f"planalign {args.command}: {message}", file=sys.stderr)
    return code


def _install(signum: signal.Signals, handler: Any) -> Any:
    """Set a signal handler where Python allows it (the main thread); the previous one."""
    if threading.current_thread() is not threading.main_thread() or handler is None:
        return None
    return signal.signal(signum, handler)


def entry_point() -> None:
    """The console script: :func:`main`, then :func:`exit_promptly` with its code."""
    if os.environ.get(POLARS_ALLOCATOR_VARIABLE, "") in ("", POLARS_OWN_ALLOCATOR_SETTINGS):
        os.environ[POLARS_ALLOCATOR_VARIABLE] = POLARS_ALLOCATOR_SETTINGS
    exit_promptly(main(console_script=True))


def exit_promptly(code: int) -> None:
    """End the process without the interpreter's teardown once the command is done.

    The teardown frees every object one by one and runs the cyclic collector over them all:
    after a dbt run (its manifest, templates and adapter) that took 0.5 s of a 9 s 5k x 5 run
    (28 November). The operating system reclaims the memory at once. What the teardown would
    do that matters is done first: the atexit handlers run and standard output and error are
    flushed. Where another non-daemon thread is still alive (Python would wait for it), a
    profiler or tracer is watching (``python -m cProfile`` writes its figures after the script
    returns), or a flush fails, the process exits the ordinary way.
    """
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    others = (t for t in threading.enumerate() if t is not threading.main_thread())
    if watched or any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stream: let Python report it as usual
        sys.exit(code)
    os._exit(code)
