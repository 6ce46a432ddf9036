"""Event ids for the year step, with the bits of ``planalign_core.events.identity``.

An id is a per-employee head (``xxxxxxxx-xxxx-8xxx-``, words w0 and w1 of identity's layout)
and an event tail (year, type code, sequence). The head is computed once per employee, when it
enters, with the engine's batched mixer (w0 is the fold of seed, scenario and key followed by 1;
w1 the fold of 2, seed, scenario and key; the constant heads of both folds are computed once);
the tail takes few distinct values per year and comes from identity's scalar reference. Tests
hold both equal to :func:`planalign_core.events.identity.derive_event_id`.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.params import SOURCE_SYSTEM
from planalign_core.events.columnar import conform
from planalign_core.events.identity import derive_event_id, id_head_expr
from planalign_core.literals import lit
from planalign_core.rng import hash_words, split64
from planalign_core.rules import draws

HEAD_LENGTH = 19  # "xxxxxxxx-xxxx-8xxx-"


def positions(events: pl.DataFrame, order: pl.Expr, key: str) -> pl.Series:
    """Each row's 1-based position among its ``key``'s rows sorted by ``order``, the rows left
    where they are: two narrow columns are sorted and put back, never the wide frame (which
    stays grouped by event type, as it is stored: docs/architecture.md, "Storage").

    ``order`` is unique and sorts by ``key`` first (the engine's order keys hold the employee
    key in their high bits), so a key's rows are one run once sorted."""
    keyed = events.select(order.alias("__order"), pl.col(key).alias("__key")).with_row_index()
    index = pl.int_range(pl.len(), dtype=pl.Int32)
    first = pl.col("__key").ne_missing(pl.col("__key").shift(1))
    position = index - pl.when(first).then(index).forward_fill() + 1
    numbered = keyed.sort("__order").select("index", position.alias("__position"))
    return numbered.sort("index")["__position"]


def with_id_prefix(frame: pl.DataFrame, keys: RunKeys) -> pl.DataFrame:
    """Add ``id_prefix``, the per-employee head of event ids, for each ``employee_key``."""
    base = "__id_base"
    second_chain = hash_words((2, *split64(keys.seed), keys.scenario_key))
    lazy = draws.with_base(frame.lazy(), keys.draw_prefix, "employee_key", None, base)
    lazy = draws.with_base(lazy, second_chain, "employee_key", None, "__w1")
    lazy = draws.with_streams(lazy, {"__w0": 1}, base)
    head = id_head_expr(pl.col("__w0"), pl.col("__w1"))
    return (
        lazy.with_columns(head.alias("id_prefix")).drop(base, "__w0", "__w1").collect(engine=ENGINE)
    )


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


def identified(
    events: pl.DataFrame, keys: RunKeys, year: int, working: Sequence[str]
) -> pl.DataFrame:
    """Numbered events (``id_prefix``, ``__code``, ``event_sequence``) finished in the event
    layout: each one's ``event_id``, the run's columns and the year, the ``working`` columns
    dropped. The workforce and the money events are finished alike, here."""
    tails = id_tails(events.select("__code", "event_sequence").unique(), year)
    events = events.join(tails, on=["__code", "event_sequence"], how="left", maintain_order="left")
    events = events.with_columns(
        pl.concat_str("id_prefix", "__id_tail").alias("event_id"),
        lit(keys.scenario_id).alias("scenario_id"),
        lit(keys.plan_design_id).alias("plan_design_id"),
        lit(year, pl.Int32).alias("simulation_year"),
        lit(SOURCE_SYSTEM).alias("source_system"),
    ).drop("id_prefix", "__id_tail", *working)
    return conform(events)
