"""Event ids for the year step, with the bits of ``planalign_core.events.identity``.

An id is a per-employee head (``xxxxxxxx-xxxx-8xxx-``, words w0 and w1 of identity's layout)
and an event tail (year, type code, sequence). The head is computed once per employee, when it
enters, with the engine's batched mixer (w0 is the fold of seed, scenario and key followed by 1;
w1 the fold of 2, seed, scenario and key; the constant heads of both folds are computed once);
the tail takes few distinct values per year and comes from identity's scalar reference. Tests
hold both equal to :func:`planalign_core.events.identity.derive_event_id`.
"""

from __future__ import annotations

import polars as pl

from planalign_core.engines.polars_engine import draws
from planalign_core.engines.polars_engine.params import RunKeys
from planalign_core.events.identity import VERSION_BITS, VERSION_MASK, derive_event_id
from planalign_core.rng import hash_words, split64

HEAD_LENGTH = 19  # "xxxxxxxx-xxxx-8xxx-"
_BYTES = pl.Series("byte", range(256), dtype=pl.UInt64)
_BYTE_HEX = pl.Series("hex", [f"{i:02x}" for i in range(256)], dtype=pl.String)


def _hex(word: pl.Expr, byte: int) -> pl.Expr:
    """Two hex digits of byte ``byte`` (0 = most significant) of a 32-bit word."""
    value = (word // (1 << (8 * (3 - byte)))) & 0xFF
    return value.replace_strict(_BYTES, _BYTE_HEX, return_dtype=pl.String)


def with_id_prefix(frame: pl.DataFrame, keys: RunKeys) -> pl.DataFrame:
    """Add ``id_prefix``, the per-employee head of event ids, for each ``employee_key``."""
    base = "__id_base"
    second_chain = hash_words((2, *split64(keys.seed), keys.scenario_key))
    lazy = draws.with_base(frame.lazy(), keys.draw_prefix, "employee_key", None, base)
    lazy = draws.with_base(lazy, second_chain, "employee_key", None, "__w1")
    lazy = draws.with_streams(lazy, {"__w0": 1}, base)
    w0 = pl.col("__w0")
    w1 = (pl.col("__w1") & VERSION_MASK) | VERSION_BITS
    head = pl.concat_str(
        [_hex(w0, i) for i in range(4)]
        + [pl.lit("-"), _hex(w1, 0), _hex(w1, 1), pl.lit("-"), _hex(w1, 2), _hex(w1, 3)]
        + [pl.lit("-")]
    )
    return lazy.with_columns(head.alias("id_prefix")).drop(base, "__w0", "__w1").collect()


def id_tails(pairs: pl.DataFrame, year: int) -> pl.DataFrame:
    """``__id_tail`` for each distinct (``__code``, ``event_sequence``) of a year."""
    tails = [
        str(
            derive_event_id(
                seed=0,
                scenario_key=0,
                employee_key=0,
                simulation_year=year,
                type_code=code,
                event_sequence=sequence,
            )
        )[HEAD_LENGTH:]
        for code, sequence in pairs.select("__code", "event_sequence").iter_rows()
    ]
    return pairs.with_columns(pl.Series("__id_tail", tails, dtype=pl.String))
