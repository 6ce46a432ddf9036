"""Highly-compensated status (rules, "HCE status"): look-back pay of the previous year against
the threshold published for that look-back year; an event when the status changes."""

from __future__ import annotations

import polars as pl

from planalign_core.engines.polars_engine.money.common import lit64


def with_hce(frame: pl.LazyFrame, threshold: int, first_day: int) -> pl.LazyFrame:
    """Adds ``lookback``, ``hce_threshold``, ``is_hce``, ``hce_changed``. ``frame`` holds the
    state's ``earned`` and ``is_hce`` (as ``was_hce``; null for a new hire)."""
    lookback = pl.when(pl.col("is_new_hire")).then(lit64(0)).otherwise(pl.col("earned"))
    was = pl.col("was_hce").fill_null(False)
    determined = (pl.col("s") == first_day) & (pl.col("n") > 0)
    frame = frame.with_columns(
        lookback.fill_null(0).alias("lookback"),
        lit64(threshold).alias("hce_threshold"),
    ).with_columns((pl.col("lookback") > threshold).alias("__hce_now"))
    return frame.with_columns(
        pl.when(determined).then(pl.col("__hce_now")).otherwise(was).alias("is_hce"),
        (determined & (pl.col("__hce_now") != was)).alias("hce_changed"),
    ).drop("__hce_now")
