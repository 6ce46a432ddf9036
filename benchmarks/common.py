"""Seeded, cached, append-only inputs and small helpers for the asv suite.

Rules of this module (numpy's, for the same reason: a history is only comparable if every commit
is timed on the same input):

- A getter is a pure function of its arguments and ``SEED``. It uses the standard library and
  Polars only, never ``planalign_core``: the package changes from commit to commit, the data must
  not.
- Data is append-only. Once a getter is committed its output never changes; new data means a new
  getter. ``tests/e2e/test_asv_suite.py`` holds every getter to the fingerprint recorded in
  ``benchmarks/datasets.lock.json`` (``python -m tools.bench_data --lock`` records new ones).
- Getters are registered with ``@dataset(probe=...)``: the output is cached as Parquet under
  ``.asv/cache`` (git-ignored; ``PLANALIGN_BENCH_CACHE`` moves it) and read back on later calls,
  so costly inputs are built once per machine, not once per commit or per benchmark.

Add a getter by appending a function below the last one; nothing else needs changing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import polars as pl

from . import BENCH_THREADS

P = ParamSpec("P")
T = TypeVar("T")

SEED = 20_240_601
SKIP_SLOW_ENV = "ASV_SKIP_SLOW"
CACHE_ENV = "PLANALIGN_BENCH_CACHE"
REPO_ROOT = Path(__file__).resolve().parent.parent


# --- switches and feature detection ---------------------------------------------------------


def slow_skipped() -> bool:
    """True when ``ASV_SKIP_SLOW`` is set to anything but empty or ``0``."""
    return os.environ.get(SKIP_SLOW_ENV, "") not in ("", "0")


def skip_slow(is_slow: bool) -> None:
    """Call in ``setup``: skip this parameter combination when slow ones are switched off."""
    if is_slow and slow_skipped():
        raise NotImplementedError(f"slow parameters are skipped ({SKIP_SLOW_ENV} is set)")


def require(module_path: str, attr: str | None = None) -> Any:
    """Import ``module_path`` (and ``attr``, dotted allowed) or skip the benchmark.

    An older commit that lacks the module or the attribute raises ``NotImplementedError``, which
    asv records as "skipped" rather than "failed". A module that exists but fails to import for
    another reason is a real failure and propagates.
    """
    try:
        target: Any = importlib.import_module(module_path)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_path == missing or module_path.startswith(missing + ".")):
            raise NotImplementedError(f"{module_path} is not in this commit") from exc
        raise
    for part in (attr or "").split(".") if attr else ():
        if not hasattr(target, part):
            raise NotImplementedError(f"{module_path}.{attr} is not in this commit")
        target = getattr(target, part)
    return target


SCRATCH_ENV = "PLANALIGN_BENCH_SCRATCH"
RAM_FOLDER = Path("/dev/shm")


def scratch_dir(prefix: str) -> Path:
    """A new folder for the DuckDB files of in-process timed calls, in RAM where there is a
    RAM-backed file system (``/dev/shm``; ``PLANALIGN_BENCH_SCRATCH`` overrides).

    A neighbour writing to the same disk stalls DuckDB's writes and checkpoints: on identical
    code the wall time of the 5k x 5 pipeline moved by up to 21 % beside another process's
    large runs. The timed calls judge the engine's work, so their files stay off the disk; the
    whole runs of ``runs.py`` write to disk, as a user's run does.
    """
    configured = os.environ.get(SCRATCH_ENV)
    parent = Path(configured) if configured else RAM_FOLDER
    if not (parent.is_dir() and os.access(parent, os.W_OK)):
        parent = Path(tempfile.gettempdir())
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def duckdb_config() -> dict[str, str]:
    """Connection settings for DuckDB that match the suite's thread pin."""
    return {"threads": str(BENCH_THREADS)}


# The clock every ``time_`` benchmark is judged on: CPU seconds of the whole process, all
# threads (each bench module sets ``timer = CPU_TIMER``; asv reads it from the module). The
# engine is CPU-bound, and a neighbour's load lengthens wall time but hardly CPU time: on
# identical code, wall time made the pull-request check flag 4 regressions beside a busy
# neighbour. What CPU time cannot see (lost parallelism, waiting) the ``*_wall`` twins of the
# whole runs do (``WALL_TIMER``), measured at raised priority (docs/benchmarks.md, "How a
# verdict is made").
CPU_TIMER = time.process_time
WALL_TIMER = time.perf_counter


def best_rate(
    call: Callable[[], object], items: int, repeats: int = 5, budget_s: float = 3.0
) -> float:
    """Items per CPU second of the fastest of up to ``repeats`` calls (at least two).

    The fastest call on the CPU clock is the figure least disturbed by other work on a shared
    machine, which is what a ``track_`` throughput (a single number per commit) needs; the first
    call doubles as the warm-up. Calls stop once ``budget_s`` of CPU is spent, so a large
    parameter costs two calls, not ``repeats``.
    """
    best, spent, calls = float("inf"), 0.0, 0
    while calls < max(repeats, 2) and (calls < 2 or spent < budget_s):
        start = CPU_TIMER()
        call()
        elapsed = CPU_TIMER() - start
        best, spent, calls = min(best, elapsed), spent + elapsed, calls + 1
    return items / best


class SlowCall:
    """Timing settings for a benchmark whose one call takes a second or more: two rounds (two
    processes per commit, so that a pull-request check interleaves the commits), at most 2
    samples or 10 s each, no warm-up call, so the whole suite keeps to its budget
    (docs/benchmarks.md, "Budget")."""

    rounds = 2
    number = 1
    repeat = (1, 2, 10.0)
    warmup_time = 0.0


class WarmCall(SlowCall):
    """:class:`SlowCall` with one untimed warm-up call in each process before its samples.

    The first call in a process is the cold one: 5k x 5 pipeline runs measured 1.21 s of CPU
    first and 1.01 s after, in 8 spawned processes, and 1.33 s against 1.07 s in 8 children of
    one pre-imported parent (docs/benchmarks.md, "Cold first calls"). Two samples a process
    with no warm-up made every commit's sample set half cold, half warm, so a median of four
    fell between the two groups and moved with whichever cold call was fastest: the noise
    that let a 25 % slowdown through. A warm-up costs one call a process."""

    warmup_time = 1e-3  # asv calls once, finds the time spent, and starts sampling


class Interleaved:
    """Timing settings for a sampled benchmark that judges a pull request: two rounds (two
    processes per commit), so that ``asv continuous`` interleaves the commits and a load that
    comes and goes falls on both (docs/benchmarks.md, "How a verdict is made")."""

    rounds = 2


class RunReader:
    """Settings for a benchmark that reads a whole run of ``runs.py`` (its ``setup_cache``):
    asv makes the cache again for every round of a pull-request check, so one round is the
    budget, and the run may take minutes."""

    rounds = 1
    timeout = 900


def write_once(path: Path, write: Callable[[Path], object]) -> Path:
    """``path``, written by ``write(partial)`` the first time and renamed into place, so that a
    process stopped midway (or one beside it) never leaves or reads a half-written file."""
    if not path.exists():
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        write(partial)
        partial.replace(path)
    return path


def per_process(build: Callable[P, T]) -> Callable[P, T]:
    """Memoise ``build`` for the life of the benchmark process.

    asv re-runs ``setup`` (and ``teardown``) before every sample, so that each timed call sees
    freshly set-up state (asv_runner's ``_setup_isolates_timed_calls``, asv#966). A setup that
    runs the engine for a year or two would then cost more than the calls it prepares. What a
    timed call only reads (Polars frames are immutable) is built once per process through this;
    asv starts a new process per benchmark and parameter combination, so nothing leaks from one
    benchmark into another.
    """
    return functools.cache(build)  # type: ignore[return-value]


# --- the cache and the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """A registered getter: ``build`` is the uncached function, ``probe`` its fingerprint call."""

    name: str
    build: Callable[..., pl.DataFrame]
    probe: Mapping[str, Any]


DATASETS: dict[str, Dataset] = {}


def cache_dir() -> Path:
    """Where cached inputs live (created on first use)."""
    configured = os.environ.get(CACHE_ENV)
    path = Path(configured) if configured else REPO_ROOT / ".asv" / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(name: str, arguments: Mapping[str, Any]) -> str:
    """File stem for one call of a getter: its name and every argument, in order."""
    parts = [name] + [f"{key}={value}" for key, value in arguments.items()]
    return "-".join(parts).replace("/", "_")


def cached_frame(key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """Read ``key`` from the cache, building and writing it first if it is absent.

    The file is written under a temporary name and renamed, so concurrent processes never read
    a half-written file.
    """
    path = cache_dir() / f"{key}.parquet"
    if not path.exists():
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        build().write_parquet(partial)
        partial.replace(path)
    return pl.read_parquet(path)


def fingerprint(frame: pl.DataFrame) -> str:
    """A short digest of a frame's schema and values (CSV text: stable across library versions)."""
    digest = hashlib.sha256()
    digest.update(";".join(f"{name}:{dtype}" for name, dtype in frame.schema.items()).encode())
    digest.update(frame.write_csv().encode())
    return digest.hexdigest()[:20]


def dataset(
    *, probe: Mapping[str, Any]
) -> Callable[[Callable[P, pl.DataFrame]], Callable[P, pl.DataFrame]]:
    """Register a getter: cache its output on disk and fingerprint it at ``probe``."""

    def register(build: Callable[P, pl.DataFrame]) -> Callable[P, pl.DataFrame]:
        name = build.__name__
        if name in DATASETS:
            raise ValueError(f"dataset {name!r} is defined twice")
        DATASETS[name] = Dataset(name, build, dict(probe))
        signature = inspect.signature(build)

        @functools.wraps(build)
        def cached(*args: P.args, **kwargs: P.kwargs) -> pl.DataFrame:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return cached_frame(cache_key(name, bound.arguments), lambda: build(*args, **kwargs))

        return cached

    return register


# --- getters (append only: never edit one that is committed) ---------------------------------

KEY_BITS = 40
KEY_MULTIPLIER = 0x9E3779  # odd, below 2**24: (key below 2**40) * multiplier fits in UInt64


@dataset(probe={"n_employees": 1_000})
def employee_keys(n_employees: int, seed: int = SEED) -> pl.DataFrame:
    """``n_employees`` distinct, scattered employee keys below 2**40 (column ``employee_key``).

    Key i is ``((i + offset) mod 2**40) * multiplier mod 2**40`` with an odd multiplier: a
    bijection of [0, 2**40), so keys never collide; ``offset`` comes from the seed.
    """
    modulus = 1 << KEY_BITS
    offset = (seed * 0x2545F491) % modulus
    index = pl.int_range(n_employees, dtype=pl.UInt64, eager=True)
    keys = ((index + offset) % modulus) * KEY_MULTIPLIER % modulus
    return pl.DataFrame({"employee_key": keys})


CENSUS_MASK = 0xFFFFFFFF
CENSUS_LEVEL_CUTS = (40, 70, 88, 97)  # percent of employees below levels 2, 3, 4, 5
CENSUS_PAY_BASE = (40_000, 60_000, 85_000, 120_000, 175_000)  # dollars, by level
CENSUS_PAY_SPAN = (20_000, 30_000, 40_000, 60_000, 120_000)
CENSUS_RATES = ("0.0300", "0.0400", "0.0500", "0.0600", "0.0800", "0.1000", "0.1500")


def _scramble(index: pl.Expr, salt: int) -> pl.Expr:
    """A 32-bit pseudo-random value per row from integer arithmetic only (UInt64, no overflow)."""
    x = (index * 0x9E3779B1 + salt * 0x85EBCA77) & CENSUS_MASK
    x = x.xor(x // (1 << 16))
    x = (x * 0x7FEB352D) & CENSUS_MASK
    x = x.xor(x // (1 << 15))
    return x


@dataset(probe={"n_employees": 1_000})
def census(n_employees: int, seed: int = SEED) -> pl.DataFrame:
    """A census file's content: ``n_employees`` active employees as of 2024-12-31, in the
    column names users' files carry (employee_id, birth_date, hire_date, gross_compensation as
    an exact DECIMAL(12,2), deferral_rate as text with 4 places, job_level). Ages 20-65,
    tenures up to 30 years, pay in level bands, 60 % deferring."""
    index = pl.int_range(n_employees, dtype=pl.UInt64).alias("i")
    frame = pl.select(index).with_columns(
        *(_scramble(pl.col("i"), seed * 16 + k).alias(f"u{k}") for k in range(10))
    )
    level = pl.lit(5, dtype=pl.Int64)
    for number, cut in reversed(list(enumerate(CENSUS_LEVEL_CUTS, start=1))):
        level = pl.when(pl.col("u0") % 100 < cut).then(number).otherwise(level)
    frame = frame.with_columns(
        level.alias("job_level"), (20 + pl.col("u1") % 46).cast(pl.Int64).alias("age")
    )
    tenure = pl.min_horizontal(pl.col("u3") % (pl.col("age") - 17), 30).cast(pl.Int64)
    by_level = {"old": [1, 2, 3, 4, 5], "return_dtype": pl.Int64}
    pay = (
        pl.col("job_level").replace_strict(new=list(CENSUS_PAY_BASE), **by_level)
        + pl.col("u5") % pl.col("job_level").replace_strict(new=list(CENSUS_PAY_SPAN), **by_level)
    ) * 100 + pl.col("u6") % 100
    rate = pl.col("u8").cast(pl.Int64) % len(CENSUS_RATES)
    return frame.select(
        pl.format("C{}", (pl.col("i") + 1).cast(pl.String).str.pad_start(7, "0")).alias(
            "employee_id"
        ),
        (pl.date(2024 - pl.col("age"), 1, 1) + pl.duration(days=pl.col("u2") % 365)).alias(
            "birth_date"
        ),
        (pl.date(2024 - tenure, 1, 1) + pl.duration(days=pl.col("u4") % 365)).alias("hire_date"),
        (pay.cast(pl.Decimal(12, 0)) * pl.lit(Decimal("0.01")))
        .cast(pl.Decimal(12, 2))
        .alias("gross_compensation"),
        pl.when(pl.col("u7") % 100 < 60)
        .then(rate.replace_strict(list(range(len(CENSUS_RATES))), list(CENSUS_RATES)))
        .otherwise(pl.lit("0.0000"))
        .alias("deferral_rate"),
        pl.col("job_level").cast(pl.Int16),
    )
