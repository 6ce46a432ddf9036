"""The year's employment interval and its pay, rate and plan segments (rules, "The year's
employment, pay and deferral timelines").

Start values come from the state entering the year (the year frame); every change comes from
the year's events in memory: promotion and merit (pay), enrollment and deferral_escalation (rate,
the accumulator's own timeline), eligibility (plan entry). Boundaries are stacked as rows,
sorted, forward-filled and cut into ``[b, e)`` segments: no per-day or per-pay-period rows.
"""

from __future__ import annotations

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.engines.polars_engine.money.common import KEY, year_bounds
from planalign_core.engines.polars_engine.params import rate_units
from planalign_core.literals import lit
from planalign_core.rules import calendar as cal

PAY_EVENTS = ("promotion", "merit")
RATE_EVENTS = ("enrollment", "deferral_escalation")
CHANGE_EVENTS = (*PAY_EVENTS, *RATE_EVENTS, "eligibility")
PEOPLE_COLUMNS = (
    KEY,
    "employee_id",
    "id_prefix",
    "birth_date",
    "hire_date",
    "termination_date",
    "terminated",
    "is_new_hire",
)


def people(year_frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per employee of the year: identity, ``s``, ``x``, ``n`` (day numbers), start
    pay, rate and plan status."""
    first, last, _ = year_bounds(year)
    hire = cal.days(pl.col("hire_date"))
    s = pl.max_horizontal(hire, lit(first, pl.Int32))
    x = (
        pl.when(pl.col("terminated"))
        .then(cal.days(pl.col("termination_date")))
        .otherwise(lit(last + 1, pl.Int32))
    )
    return (
        year_frame.lazy()
        .select(
            *PEOPLE_COLUMNS,
            s.alias("s"),
            x.alias("x"),
            pl.col("compensation_cents").cast(pl.Int64).alias("start_pay"),
            pl.col("deferral_units").cast(pl.Int64).alias("start_rate"),
            pl.col("is_eligible").alias("start_in_plan"),
        )
        .with_columns((pl.col("x") - pl.col("s")).alias("n"))
        .sort(KEY)
        .collect(engine=ENGINE)
    )


def _changes(events: pl.DataFrame, keys: pl.LazyFrame) -> pl.LazyFrame:
    event_type = pl.col("event_type")
    return (
        events.lazy()
        .filter(event_type.is_in(CHANGE_EVENTS))
        .select(
            "employee_id",
            cal.days(pl.col("effective_date")).alias("day"),
            pl.col("event_sequence").cast(pl.Int32).alias("order"),
            pl.when(event_type.is_in(PAY_EVENTS))
            .then((pl.col("new_compensation") * 100).cast(pl.Int64))
            .alias("pay"),
            pl.when(event_type == "enrollment")
            .then(rate_units(pl.col("pre_tax_rate") + pl.col("roth_rate")))
            .when(event_type == "deferral_escalation")
            .then(rate_units(pl.col("new_rate")))
            .cast(pl.Int64)
            .alias("rate"),
            pl.when(event_type == "eligibility").then(lit(True)).alias("in_plan"),
        )
        .join(keys, on="employee_id", how="inner")
        .drop("employee_id")
    )


def segments(
    people_frame: pl.DataFrame, events: pl.DataFrame, extra: pl.LazyFrame, year: int
) -> pl.LazyFrame:
    """One row per segment ``[b, e)``: ``pay`` (cents a year), ``rate`` (units), ``in_plan``,
    ``n_days``, ordered by employee and date. ``extra`` holds per-employee constants
    (``KEY`` first) carried onto every segment."""
    first, _, _ = year_bounds(year)
    employed = people_frame.lazy().filter(pl.col("n") > 0)
    starts = employed.select(
        KEY,
        pl.col("s").alias("day"),
        lit(0, pl.Int32).alias("order"),
        pl.col("start_pay").alias("pay"),
        pl.col("start_rate").alias("rate"),
        pl.col("start_in_plan").alias("in_plan"),
        pl.col("x"),
    )
    keys = employed.select("employee_id", KEY)
    rows = pl.concat([starts, _changes(events, keys)], how="diagonal_relaxed")
    # Each employee's first row is its start row (order 0 on day s, every value set), so a
    # plain forward fill never crosses from one employee to the next.
    # one UInt64 key sorting like (employee, day, order): day 9 bits, order 6 bits
    order = (
        pl.col(KEY).cast(pl.UInt64) * (1 << 15)
        + (pl.col("day") - first).cast(pl.UInt64) * (1 << 6)
        + pl.col("order").cast(pl.UInt64)
    )
    rows = rows.sort(order).with_columns(pl.col("pay", "rate", "in_plan", "x").forward_fill())
    same_day_next = (pl.col(KEY) == pl.col(KEY).shift(-1)) & (
        pl.col("day") == pl.col("day").shift(-1)
    )
    rows = rows.filter(~same_day_next.fill_null(False))  # the state after the day's last event
    next_day = pl.when(pl.col(KEY) == pl.col(KEY).shift(-1)).then(pl.col("day").shift(-1))
    rows = rows.with_columns(pl.coalesce(next_day, pl.col("x")).alias("end"))
    return rows.select(
        KEY,
        pl.col("day").alias("b"),
        "end",
        (pl.col("end") - pl.col("day")).cast(pl.Int64).alias("n_days"),
        "pay",
        "rate",
        "in_plan",
    ).join(extra, on=KEY, how="left", maintain_order="left")
