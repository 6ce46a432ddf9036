"""Counter-based, integer-only random draws, identical in Python, Polars and SQL.

Every random decision of a simulation is ``draw(seed, scenario_key, employee_key, year, stream)``:
a pure function of its keys, so results never depend on row order, chunking or engine. The
function is written once in ``docs/rules.md`` ("Random draws"); this module is its Python
translation (scalar, for factories and reference models, and as Polars expressions for the
engine). The SQL engine's translation lives in ``dbt/macros``.

The mixer is a 32-bit integer hash (multiply by an odd constant, mask, xor-shift). Operands stay
below 2**32 and constants below 2**32, so every product fits an unsigned 64-bit integer: no
overflow, no floating point, the same bits in every engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import polars as pl

from planalign_core.literals import lit

MASK32 = 0xFFFFFFFF
MIX_MULTIPLIER_1 = 0x7FEB352D
MIX_MULTIPLIER_2 = 0x846CA68B
TWO_POW_32 = 1 << 32
RATE_SCALE = 10_000  # rates carry at most 4 decimal places: 1.0000 == 10_000 basis units


def mix32(x: int) -> int:
    """Scalar 32-bit avalanche mix of ``x`` (0 <= x < 2**32)."""
    x ^= x >> 16
    x = (x * MIX_MULTIPLIER_1) & MASK32
    x ^= x >> 15
    x = (x * MIX_MULTIPLIER_2) & MASK32
    x ^= x >> 16
    return x


def split64(value: int) -> tuple[int, int]:
    """Low and high 32-bit words of a non-negative integer below 2**64."""
    if not 0 <= value < 1 << 64:
        raise ValueError(f"key {value} is outside [0, 2**64)")
    return value & MASK32, value >> 32


def hash_words(words: Iterable[int]) -> int:
    """Fold 32-bit words into one 32-bit hash: h = mix32(h xor w), starting from h = 0."""
    h = 0
    for word in words:
        h = mix32(h ^ (word & MASK32))
    return h


def draw(seed: int, scenario_key: int, employee_key: int, year: int, stream: int) -> int:
    """The 32-bit draw for one decision (``docs/rules.md``, "Random draws")."""
    seed_lo, seed_hi = split64(seed)
    emp_lo, emp_hi = split64(employee_key)
    return hash_words((seed_lo, seed_hi, scenario_key, emp_lo, emp_hi, year, stream))


def threshold(rate_units: int) -> int:
    """Draws below this happen with probability ``rate_units / RATE_SCALE``."""
    return rate_units * TWO_POW_32 // RATE_SCALE


def text_key(*parts: str) -> int:
    """A stable 32-bit key for identifiers given as text (scenario, plan design).

    Computed once per run, never per row: the first 4 bytes, big-endian, of the SHA-256 of the
    parts joined by the unit separator U+001F.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big")


# --- Polars translation -------------------------------------------------------------------
#
# Each mixer step reads its input twice (``x xor (x >> k)``), so a nested expression would grow
# eightfold per mix. The translation is therefore a chain of ``with_columns`` over one scratch
# column: linear in size, and collected by the caller together with everything else.

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def _shr(x: pl.Expr, k: int) -> pl.Expr:
    """Logical shift right on UInt64 (Polars has no shift expression)."""
    return x // lit(1 << k)


def as_u64(value: pl.Expr | int) -> pl.Expr:
    """An expression or a constant as UInt64 (a constant as one shared literal)."""
    return value.cast(pl.UInt64) if isinstance(value, pl.Expr) else lit(value, pl.UInt64)


def prefix_hash(seed: int, scenario_key: int) -> int:
    """``hash_words(seed_lo, seed_hi, scenario_key)``: the constant head of every draw."""
    seed_lo, seed_hi = split64(seed)
    return hash_words((seed_lo, seed_hi, scenario_key))


def with_mix32(frame: FrameT, columns: Sequence[str]) -> FrameT:
    """:func:`mix32` of several UInt64 columns (values below 2**32) at once: five steps, each one
    ``with_columns`` over all the columns (a step reads its input twice, so steps cannot nest)."""

    def step(transform: Callable[[pl.Expr], pl.Expr]) -> list[pl.Expr]:
        return [transform(pl.col(name)).alias(name) for name in columns]

    return (
        frame.with_columns(step(lambda x: x.xor(_shr(x, 16))))
        .with_columns(step(lambda x: (x * lit(MIX_MULTIPLIER_1)) & lit(MASK32)))
        .with_columns(step(lambda x: x.xor(_shr(x, 15))))
        .with_columns(step(lambda x: (x * lit(MIX_MULTIPLIER_2)) & lit(MASK32)))
        .with_columns(step(lambda x: x.xor(_shr(x, 16))))
    )


def with_hash_words(frame: FrameT, column: str, words: Iterable[pl.Expr | int]) -> FrameT:
    """Add ``column``: :func:`hash_words` of the given words (expressions or constants)."""
    frame = frame.with_columns(lit(0, pl.UInt64).alias(column))
    for word in words:
        frame = fold_word(frame, column, word)
    return frame


def fold_word(frame: FrameT, column: str, word: pl.Expr | int) -> FrameT:
    """``column`` with one more word folded in: xor the word's low 32 bits, then mix."""
    frame = frame.with_columns(pl.col(column).xor(as_u64(word) & lit(MASK32)).alias(column))
    return with_mix32(frame, [column])


def with_draw(
    frame: FrameT,
    column: str,
    *,
    seed: int,
    scenario_key: int,
    employee_key: pl.Expr,
    year: pl.Expr | int,
    stream: int,
) -> FrameT:
    """Add ``column``: the :func:`draw` of each row (UInt64 below 2**32)."""
    seed_lo, seed_hi = split64(seed)
    key = employee_key.cast(pl.UInt64)
    return with_hash_words(
        frame,
        column,
        (seed_lo, seed_hi, scenario_key, key & lit(MASK32), _shr(key, 32), year, stream),
    )


# --- using a draw (docs/rules.md, "Using a draw") -----------------------------------------


def bounded(u: int, n: int) -> int:
    """A uniform integer in ``[0, n)`` from a draw: ``u * n >> 32`` (``1 <= n <= 2**32``)."""
    if not 1 <= n <= TWO_POW_32:
        raise ValueError(f"bound {n} is outside [1, 2**32]")
    return (u * n) >> 32


def weighted_choice(u: int, weights_units: Iterable[int]) -> int:
    """0-based index of the first entry whose cumulative weight exceeds ``bounded(u, 10000)``."""
    v = bounded(u, RATE_SCALE)
    total = 0
    for index, weight in enumerate(weights_units):
        total += weight
        if total > v:
            return index
    raise ValueError("weights must sum to RATE_SCALE")


def bounded_expr(u: pl.Expr, n: pl.Expr | int) -> pl.Expr:
    """Polars translation of :func:`bounded`; ``n`` (per row or constant) lies in [1, 2**32]."""
    return (u.cast(pl.UInt64) * as_u64(n)) // lit(TWO_POW_32)
