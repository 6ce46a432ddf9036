"""Employer money (rules, "Employer match, true-up and non-elective"): the tiered match formula
(per segment, and the year's figure the true-up compares with) and the 415(c) cut, taken from
the true-up first, then the match, then the non-elective money. The true-up itself and the
non-elective amount are computed with the year's amounts in ``contributions.annual``."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from planalign_core.config import Config, units
from planalign_core.engines.polars_engine.money.common import lit64, rhu
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE

Tier = tuple[int, int]  # (up_to, rate) in units


def tiers(config: Config) -> list[Tier]:
    return [(units(t.up_to), units(t.rate)) for t in config.match.tiers]


def match_formula(deferral: pl.Expr, pay: pl.Expr, match_tiers: Sequence[Tier]) -> pl.Expr:
    """``f(d, p) = rhu(F(d, p), 10000 * 10000)``, in cents (64 bits again)."""
    return match_cents(match_numerator(deferral, pay, match_tiers))


def match_cents(numerator: pl.Expr) -> pl.Expr:
    """``rhu(F, 10000 * 10000)`` of a numerator (or a sum of them), as 64-bit cents."""
    return rhu(numerator, RATE_SCALE * RATE_SCALE).cast(pl.Int64)


def match_numerator(deferral: pl.Expr, pay: pl.Expr, match_tiers: Sequence[Tier]) -> pl.Expr:
    """``F(d, p)``: each tier's rate on the deferrals between its bounds (as shares of ``p``),
    unrounded (units squared times cents), in 128 bits: a tier's rate (up to 10, 100000 units)
    times a band (a deferral or pay near the bound of a run times 10000 units) can pass 2**63,
    where 64-bit integers would wrap silently (rules, "Bounds"; the SQL engine sums HUGEINTs)."""
    total = lit(0, pl.Int128)
    lower = 0
    for up_to, rate in match_tiers:
        above = deferral * lit(RATE_SCALE) - pay * lit(lower)
        band = pl.min_horizontal(pl.max_horizontal(above, lit64(0)), pay * lit(up_to - lower))
        total = total + band.cast(pl.Int128) * lit(rate)
        lower = up_to
    return total


def cut_415(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Take the excess ``E`` from true-up, then match, then non-elective."""
    excess = pl.col("excess_415c")
    from_true_up = pl.min_horizontal(pl.col("true_up0"), excess)
    left = excess - from_true_up
    from_match = pl.min_horizontal(pl.col("match0"), left)
    from_nec = pl.min_horizontal(pl.col("nec0"), left - from_match)
    return frame.with_columns(
        (pl.col("true_up0") - from_true_up).alias("true_up"),
        (pl.col("match0") - from_match).alias("employer_match"),
        (pl.col("nec0") - from_nec).alias("non_elective"),
        (from_true_up > 0).alias("cut_true_up"),
        (from_match > 0).alias("cut_match"),
        (from_nec > 0).alias("cut_nec"),
    )
