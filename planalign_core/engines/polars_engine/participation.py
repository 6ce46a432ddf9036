"""Eligibility, enrolment (auto, opt-out, voluntary) and deferral escalation (rules,
"Eligibility" to "End of year"), as columns of the year frame."""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.config import Config, units
from planalign_core.engines.polars_engine.params import band
from planalign_core.engines.polars_engine.workforce import active_on
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal
from planalign_core.rules import draws

PARTICIPATION_STREAMS = {
    "u_opt_out": 30,
    "u_voluntary": 31,
    "u_voluntary_date": 32,
    "u_voluntary_rate": 33,
    "u_escalation_opt_out": 40,
}


def _date_in_window(start: pl.Expr, draw: str, end: dt.date) -> pl.Expr:
    """``w + bounded(u, (end - w) + 1)`` (rows whose window is empty get a date they ignore)."""
    span = (cal.days(lit(end)) - cal.days(start) + 1).clip(lower_bound=1)
    return cal.add_days(start, draws.bounded(draw, span))


def enrolment(frame: pl.LazyFrame, config: Config, year: int) -> pl.LazyFrame:
    """Adds ``becomes_eligible``, ``auto_enrolled``, ``opted_out`` (+ date) and ``voluntary``
    (+ date and rate)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    auto = config.enrollment.auto
    voluntary = config.enrollment.voluntary
    frame = draws.with_streams(frame, PARTICIPATION_STREAMS)
    entry = pl.col("plan_entry_date")
    becomes_eligible = (
        ~pl.col("is_eligible") & entry.is_between(lit(start), lit(end)) & active_on(entry)
    )
    opt_out_day = pl.min_horizontal(cal.add_days(entry, auto.opt_out_window_days), lit(end))
    frame = frame.with_columns(
        becomes_eligible.alias("becomes_eligible"),
        (becomes_eligible & lit(auto.enabled)).alias("auto_enrolled"),
        opt_out_day.alias("opt_out_date"),
    )
    opted_out = (
        pl.col("auto_enrolled")
        & draws.happens("u_opt_out", units(auto.opt_out_rate))
        & active_on(pl.col("opt_out_date"))
    )
    window_start = pl.when(pl.col("is_eligible")).then(lit(start)).otherwise(entry)
    candidate = (
        ~pl.col("is_enrolled")
        & ~pl.col("auto_enrolled")
        & (pl.col("is_eligible") | pl.col("becomes_eligible"))
    )
    reference = pl.max_horizontal(lit(start), pl.col("hire_date"))
    age = cal.age_at(pl.col("birth_date"), reference)
    probability = (
        band(
            age,
            [b.min_age for b in voluntary.age_bands],
            [units(b.rate) for b in voluntary.age_bands],
        )
        + band(
            pl.col("compensation_cents"),
            [b.min_pay * 100 for b in voluntary.pay_bands],
            [units(b.adjustment) for b in voluntary.pay_bands],
        )
    ).clip(0, RATE_SCALE)
    choices = voluntary.deferral_rates
    frame = frame.with_columns(
        opted_out.alias("opted_out"),
        _date_in_window(window_start, "u_voluntary_date", end).alias("voluntary_date"),
        draws.weighted(
            "u_voluntary_rate", [units(c.rate) for c in choices], [units(c.weight) for c in choices]
        ).alias("voluntary_units"),
    )
    voluntary_enrols = (
        candidate & draws.happens("u_voluntary", probability) & active_on(pl.col("voluntary_date"))
    )
    return frame.with_columns(voluntary_enrols.alias("voluntary"))


def escalation(frame: pl.LazyFrame, config: Config, year: int) -> pl.LazyFrame:
    """Adds ``escalates`` (+ new rate) and ``escalation_opt_out_now``."""
    rules = config.escalation
    cap = units(rules.cap)
    day = cal.on_month_day(year, rules.date)
    candidate = (
        lit(rules.enabled)
        & ~pl.col("is_new_hire")
        & pl.col("is_enrolled")
        & ~pl.col("escalation_opted_out")
        & (pl.col("deferral_units") < cap)
        & (pl.col("enrollment_year") + rules.delay_years <= year).fill_null(False)
        & active_on(day)
    )
    opts_out = candidate & draws.happens("u_escalation_opt_out", units(rules.opt_out_rate))
    return frame.with_columns(
        opts_out.alias("escalation_opt_out_now"),
        (candidate & ~opts_out).alias("escalates"),
        pl.min_horizontal(pl.col("deferral_units") + units(rules.increment), cap)
        .cast(pl.Int32)
        .alias("escalation_units"),
    )


def end_of_year(frame: pl.LazyFrame, config: Config, year: int) -> pl.LazyFrame:
    """Rules, "End of year": the participation state an employee carries into the next year."""
    default = units(config.enrollment.auto.default_rate)
    kept_auto = pl.col("auto_enrolled") & ~pl.col("opted_out")
    enrols = kept_auto | pl.col("voluntary")
    deferral = (
        pl.when(pl.col("voluntary"))
        .then(pl.col("voluntary_units"))
        .when(kept_auto)
        .then(default)
        .when(pl.col("opted_out"))
        .then(0)
        .when(pl.col("escalates"))
        .then(pl.col("escalation_units"))
        .otherwise(pl.col("deferral_units"))
    )
    return frame.with_columns(
        (pl.col("is_eligible") | pl.col("becomes_eligible")).alias("is_eligible_end"),
        (pl.col("is_enrolled") | enrols).alias("is_enrolled_end"),
        deferral.cast(pl.Int32).alias("deferral_end"),
        pl.when(enrols)
        .then(lit(year, pl.Int32))
        .otherwise(pl.col("enrollment_year"))
        .alias("enrollment_year_end"),
        (pl.col("escalation_opted_out") | pl.col("escalation_opt_out_now")).alias(
            "escalation_opted_out_end"
        ),
    )
