"""Who leaves, who joins, who moves up and who gets a raise (rules, "The simulation year").

Each function adds columns to the **year frame**: one row per employee of the year (the
experienced state rows, then the new hires), all decisions as columns, collected once.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config, units
from planalign_core.engines.contract import HIRE_KEY_BASE, RunKeys
from planalign_core.engines.polars_engine.ids import with_id_prefix
from planalign_core.engines.polars_engine.params import band
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal
from planalign_core.rules import draws
from planalign_core.rules.levels import by_level, pay_cents

EXPERIENCED_STREAMS = {"u_term": 1, "u_term_date": 2, "u_reason": 3}
HIRE_STREAMS = {
    "u_reason": 3,
    "u_nh_rank": 4,
    "u_nh_term_date": 5,
    "u_hire_date": 10,
    "u_hire_level": 11,
    "u_hire_age": 12,
    "u_hire_birth": 13,
    "u_hire_pay": 14,
}
PAY_STREAMS = {"u_promotion": 20, "u_merit": 21}


def active_on(day: pl.Expr | dt.date) -> pl.Expr:
    """Employed on ``day``: hired by then and not terminated on or before it."""
    d = day if isinstance(day, pl.Expr) else lit(day)
    term = pl.col("termination_date")
    return (pl.col("hire_date") <= d) & (term.is_null() | (d < term))


def scale(cents: pl.Expr, rate_units: pl.Expr | int) -> pl.Expr:
    """``rhu(c * (10000 + r), 10000)``."""
    factor = RATE_SCALE + rate_units
    multiplier = lit(factor) if isinstance(factor, int) else factor
    return (cents * multiplier + lit(RATE_SCALE // 2)) // lit(RATE_SCALE)


def _reason(involuntary_share: int) -> pl.Expr:
    return (
        pl.when(draws.happens("u_reason", involuntary_share))
        .then(lit("involuntary"))
        .otherwise(lit("voluntary"))
    )


def experienced_terminations(
    state: pl.LazyFrame, config: Config, keys: RunKeys, year: int
) -> pl.LazyFrame:
    """Rules, "Experienced terminations": adds ``terminated``, its date and reason."""
    rules = config.terminations
    start = dt.date(year, 1, 1)
    frame = draws.with_base(state, keys.draw_prefix, "employee_key", year)
    frame = draws.with_streams(frame, EXPERIENCED_STREAMS)
    age = cal.age_on(pl.col("birth_date"), start)
    tenure = cal.age_on(pl.col("hire_date"), start)
    retiring = age >= rules.retirement_age
    by_tenure = band(
        tenure,
        [b.min_tenure for b in rules.tenure_bands],
        [units(b.rate) for b in rules.tenure_bands],
    )
    adjustment = by_level(
        pl.col("job_level"), [units(lv.termination_adjustment) for lv in config.levels]
    )
    rate = (
        pl.when(retiring)
        .then(units(rules.retirement_rate))
        .otherwise((by_tenure + adjustment).clip(0, RATE_SCALE))
    )
    terminated = draws.happens("u_term", rate)
    day = draws.day_in_year("u_term_date", lit(year))
    reason = (
        pl.when(retiring).then(lit("retirement")).otherwise(_reason(units(rules.involuntary_share)))
    )
    return frame.with_columns(
        lit(False).alias("is_new_hire"),
        terminated.alias("terminated"),
        pl.when(terminated).then(day).alias("termination_date"),
        pl.when(terminated).then(reason).alias("termination_reason"),
    )


def new_hires(hires: int, leavers: int, config: Config, keys: RunKeys, year: int) -> pl.DataFrame:
    """Rules, "Hires" and "New-hire terminations": the year's hires in the state layout."""
    if hires >= HIRE_KEY_BASE:
        raise ValueError(f"{hires} hires in {year} exceed the new-hire key space")
    levels = config.levels
    end = dt.date(year, 12, 31)
    ordinal = pl.int_range(1, hires + 1, dtype=pl.Int64)
    frame = pl.LazyFrame().select(
        (year * HIRE_KEY_BASE + ordinal).alias("employee_key"),
        pl.format("NH{}_{}", lit(year), ordinal.cast(pl.String).str.pad_start(7, "0")).alias(
            "employee_id"
        ),
    )
    frame = draws.with_base(frame, keys.draw_prefix, "employee_key", year)
    frame = draws.with_streams(frame, HIRE_STREAMS)
    level = draws.weighted(
        "u_hire_level", [lv.level for lv in levels], [units(lv.hire_weight) for lv in levels]
    ).cast(pl.Int16)
    hiring = config.hiring
    age = hiring.age_min + draws.bounded("u_hire_age", hiring.age_max - hiring.age_min + 1)
    frame = frame.with_columns(
        draws.day_in_year("u_hire_date", lit(year)).alias("hire_date"),
        level.alias("job_level"),
        (year - age).alias("__birth_year"),
    )
    frame = frame.with_columns(
        draws.day_in_year("u_hire_birth", pl.col("__birth_year")).alias("birth_date"),
        pay_cents(pl.col("job_level"), levels, "u_hire_pay").alias("compensation_cents"),
    )
    # The K hires with the smallest (u4, employee_key) leave within the year.
    frame = frame.sort("u_nh_rank", "employee_key").with_row_index("__nh_rank")
    leaves = pl.col("__nh_rank") < leavers
    stay_days = cal.days(lit(end)) - cal.days(pl.col("hire_date")) + 1
    frame = frame.with_columns(
        cal.plan_entry(config, pl.col("birth_date"), pl.col("hire_date")).alias("plan_entry_date"),
        lit(False).alias("is_eligible"),
        lit(False).alias("is_enrolled"),
        lit(0, pl.Int32).alias("deferral_units"),
        lit(None, pl.Int32).alias("enrollment_year"),
        lit(False).alias("escalation_opted_out"),
        lit(True).alias("is_new_hire"),
        leaves.alias("terminated"),
        pl.when(leaves)
        .then(cal.add_days(pl.col("hire_date"), draws.bounded("u_nh_term_date", stay_days)))
        .alias("termination_date"),
        pl.when(leaves)
        .then(_reason(units(config.terminations.involuntary_share)))
        .alias("termination_reason"),
    ).drop("__nh_rank", "__birth_year")
    return with_id_prefix(frame.collect(engine=ENGINE), keys)


def pay_changes(frame: pl.LazyFrame, config: Config, year: int) -> pl.LazyFrame:
    """Rules, "Promotions" then "Merit and COLA" (experienced employees only)."""
    comp = config.compensation
    levels = config.levels
    promotion_day = cal.on_month_day(year, comp.promotion_date)
    merit_day = cal.on_month_day(year, comp.merit_date)
    frame = draws.with_streams(frame, PAY_STREAMS)
    level = pl.col("job_level")
    experienced = ~pl.col("is_new_hire")
    promoted = (
        experienced
        & active_on(promotion_day)
        & (level < config.max_level)
        & draws.happens("u_promotion", by_level(level, [units(lv.promotion_rate) for lv in levels]))
    )
    next_floor = by_level(
        pl.min_horizontal(level + 1, config.max_level), [lv.pay_min * 100 for lv in levels]
    )
    raised = pl.max_horizontal(
        scale(pl.col("compensation_cents"), units(comp.promotion_raise)), next_floor
    )
    frame = frame.with_columns(
        promoted.alias("promoted"),
        (level + promoted.cast(pl.Int16)).cast(pl.Int16).alias("level_end"),
        pl.when(promoted).then(raised).otherwise(pl.col("compensation_cents")).alias("comp_mid"),
    )
    spread = units(comp.merit_spread)
    merit = pl.max_horizontal(
        by_level(pl.col("level_end"), [units(lv.merit_rate) for lv in levels])
        + draws.bounded("u_merit", 2 * spread + 1)
        - spread,
        0,
    )
    cola = units(comp.cola_rate)
    has_merit = experienced & active_on(merit_day) & (merit + cola > 0)
    return frame.with_columns(
        has_merit.alias("has_merit"),
        merit.alias("merit_units"),
        pl.when(has_merit)
        .then(scale(pl.col("comp_mid"), merit + cola))
        .otherwise(pl.col("comp_mid"))
        .alias("comp_end"),
    )
