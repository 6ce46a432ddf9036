"""Event identity: a deterministic UUID (version 8, RFC 9562) derived from integer keys.

No clock, no uuid4: the same run gives the same ids, and both engines compute them with the
integer mixer of :mod:`planalign_core.rng` (``docs/rules.md``, "Event identity"). Layout, as four
32-bit words w0..w3 written big-endian as 32 hex digits:

- w0 = H(seed_lo, seed_hi, scenario_key, employee_lo, employee_hi, 1)
- w1 = H(2, seed_lo, seed_hi, scenario_key, employee_lo, employee_hi), version nibble set to 8
  (its own chain: folded after the same five words as w0, it would be a function of w0's 32-bit
  state, and two employees of a 100k run would share a head)
- w2 = 0x80000000 | simulation_year << 8 | event type code   (variant bits 10)
- w3 = event_sequence

The first half is a per-employee hash (computable once per employee), the second half encodes
the event exactly, so two events of one employee never collide.
"""

from __future__ import annotations

from uuid import UUID

import polars as pl

from planalign_core.literals import lit
from planalign_core.rng import MASK32, FrameT, hash_words, split64, with_hash_words

VERSION_MASK = 0xFFFF0FFF
VERSION_BITS = 0x00008000
VARIANT_BITS = 0x80000000
MAX_YEAR = (1 << 22) - 1


def _employee_words(seed: int, scenario_key: int, employee_key: int) -> tuple[int, int]:
    seed_lo, seed_hi = split64(seed)
    emp_lo, emp_hi = split64(employee_key)
    base = (seed_lo, seed_hi, scenario_key, emp_lo, emp_hi)
    w0 = hash_words((*base, 1))
    w1 = (hash_words((2, *base)) & VERSION_MASK) | VERSION_BITS
    return w0, w1


def derive_event_id(
    *,
    seed: int,
    scenario_key: int,
    employee_key: int,
    simulation_year: int,
    type_code: int,
    event_sequence: int,
) -> UUID:
    """The event id of one event (scalar reference for factories and tests)."""
    if not 0 <= simulation_year <= MAX_YEAR:
        raise ValueError(f"simulation_year {simulation_year} out of range")
    if not 0 <= event_sequence <= MASK32:
        raise ValueError(f"event_sequence {event_sequence} out of range")
    w0, w1 = _employee_words(seed, scenario_key, employee_key)
    w2 = VARIANT_BITS | simulation_year << 8 | type_code
    return UUID(int=w0 << 96 | w1 << 64 | w2 << 32 | event_sequence)


# --- Polars translation -------------------------------------------------------------------

_BYTES = pl.Series("byte", range(256), dtype=pl.UInt64)
_BYTE_HEX = pl.Series("hex", [f"{i:02x}" for i in range(256)], dtype=pl.String)
_BYTES_LIT, _BYTE_HEX_LIT = pl.lit(_BYTES), pl.lit(_BYTE_HEX)  # made once, as literals.lit
_W0, _W1 = "__event_id_w0", "__event_id_w1"


def hex_byte(word: pl.Expr, byte: int) -> pl.Expr:
    """Two hex digits of byte ``byte`` (0 = most significant) of a 32-bit UInt64 word.

    A 256-entry lookup: cheap to build for a small frame, one hash probe per row for a big one.
    """
    value = (word // lit(1 << (8 * (3 - byte)))) & lit(0xFF)
    return value.replace_strict(_BYTES_LIT, _BYTE_HEX_LIT, return_dtype=pl.String)


def _hex8(word: pl.Expr) -> list[pl.Expr]:
    return [hex_byte(word, i) for i in range(4)]


def id_head_expr(w0: pl.Expr, w1: pl.Expr) -> pl.Expr:
    """The head ``xxxxxxxx-xxxx-8xxx-`` from the raw words (version bits applied here)."""
    w1 = (w1 & VERSION_MASK) | VERSION_BITS
    dash = lit("-")
    middle = [hex_byte(w1, 0), hex_byte(w1, 1), dash, hex_byte(w1, 2), hex_byte(w1, 3), dash]
    return pl.concat_str([*_hex8(w0), dash, *middle])


def with_event_id_prefix(
    frame: FrameT, column: str, *, seed: int, scenario_key: int, employee_key: pl.Expr
) -> FrameT:
    """Add ``column``: the per-employee first 19 characters ``xxxxxxxx-xxxx-8xxx-`` of ids.

    Engines may compute it once per employee and carry it, instead of once per event.
    """
    seed_lo, seed_hi = split64(seed)
    key = employee_key.cast(pl.UInt64)
    base: tuple[int | pl.Expr, ...] = (
        seed_lo,
        seed_hi,
        scenario_key,
        key & MASK32,
        key // (1 << 32),
    )
    frame = with_hash_words(frame, _W0, (*base, 1))
    frame = with_hash_words(frame, _W1, (2, *base))
    prefix = id_head_expr(pl.col(_W0), pl.col(_W1))
    return frame.with_columns(prefix.alias(column)).drop(_W0, _W1)


def event_id_from_prefix_expr(
    prefix: pl.Expr, year: pl.Expr, type_code: pl.Expr, sequence: pl.Expr
) -> pl.Expr:
    """Complete an event id from its per-employee prefix and the event's own keys."""
    w2 = (year.cast(pl.UInt64) * (1 << 8) + type_code.cast(pl.UInt64)) | VARIANT_BITS
    w3 = sequence.cast(pl.UInt64)
    w2_text = [hex_byte(w2, 0), hex_byte(w2, 1), lit("-"), hex_byte(w2, 2), hex_byte(w2, 3)]
    return pl.concat_str([prefix, *w2_text, *_hex8(w3)])


def with_event_ids(
    frame: FrameT,
    column: str = "event_id",
    *,
    seed: int,
    scenario_key: int,
    employee_key: pl.Expr,
    year: pl.Expr,
    type_code: pl.Expr,
    sequence: pl.Expr,
) -> FrameT:
    """Polars translation of :func:`derive_event_id`: add ``column`` (UUID text, lower-case)."""
    prefix = "__event_id_prefix"
    frame = with_event_id_prefix(
        frame, prefix, seed=seed, scenario_key=scenario_key, employee_key=employee_key
    )
    return frame.with_columns(
        event_id_from_prefix_expr(pl.col(prefix), year, type_code, sequence).alias(column)
    ).drop(prefix)
