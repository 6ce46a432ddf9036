"""Synthesising a census (rules, "Synthesising a census"): seeded, keyed draws per employee."""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.census.schema import CENSUS_SCHEMA, MAX_SYNTHETIC_EMPLOYEES
from planalign_core.collect import ENGINE
from planalign_core.config import Config, units
from planalign_core.errors import CensusError
from planalign_core.literals import lit
from planalign_core.rng import prefix_hash
from planalign_core.rules import calendar as cal
from planalign_core.rules import draws
from planalign_core.rules.calendar import census_date
from planalign_core.rules.levels import by_level, pay_cents

CENSUS_STREAMS = {
    "u_level": 101,
    "u_age": 102,
    "u_birth": 103,
    "u_tenure_a": 104,
    "u_tenure_b": 105,
    "u_hire": 106,
    "u_pay": 107,
    "u_participates": 108,
    "u_rate": 109,
}


def synthesize_census(employees: int, seed: int, start_year: int, config: Config) -> pl.DataFrame:
    """A seeded census of ``employees`` active employees (rules, "Synthesising a census")."""
    if not 1 <= employees <= MAX_SYNTHETIC_EMPLOYEES:
        raise CensusError(f"--employees must be in 1..{MAX_SYNTHETIC_EMPLOYEES}, got {employees}")
    c_date = census_date(start_year)
    cy = c_date.year
    levels = config.levels
    frame = pl.LazyFrame().select(pl.int_range(1, employees + 1, dtype=pl.Int64).alias("k"))
    frame = draws.with_base(frame, prefix_hash(seed, 0), "k", 0)
    frame = draws.with_streams(frame, CENSUS_STREAMS)
    frame = frame.with_columns(
        draws.weighted(
            "u_level", [lv.level for lv in levels], [units(lv.census_weight) for lv in levels]
        )
        .cast(pl.Int16)
        .alias("job_level")
    )
    level = pl.col("job_level")
    age_min = by_level(level, [lv.census_age_min for lv in levels])
    age_span = by_level(level, [lv.census_age_max - lv.census_age_min + 1 for lv in levels])
    frame = frame.with_columns((age_min + draws.bounded("u_age", age_span)).alias("age"))
    birth_year = cy - pl.col("age")
    tenure_cap = pl.min_horizontal(
        by_level(level, [lv.census_max_tenure for lv in levels]),
        pl.col("age") - config.census.min_hire_age,
    )
    frame = frame.with_columns(
        draws.day_in_year("u_birth", birth_year).alias("birth_date"),
        pl.min_horizontal(
            draws.bounded("u_tenure_a", tenure_cap + 1),
            draws.bounded("u_tenure_b", tenure_cap + 1),
        ).alias("tenure"),
    )
    frame = frame.with_columns(
        draws.day_in_year("u_hire", cy - pl.col("tenure")).alias("hire_date"),
        pay_cents(level, levels, "u_pay").alias("compensation_cents"),
    )
    frame = frame.select(
        pl.format("E{}", pl.col("k").cast(pl.String).str.pad_start(7, "0")).alias("employee_id"),
        pl.col("k").alias("employee_key"),
        "birth_date",
        "hire_date",
        lit(None, pl.Date).alias("termination_date"),
        "job_level",
        "compensation_cents",
        _deferral_units(config, c_date).alias("deferral_units"),
    )
    return frame.collect(engine=ENGINE).cast(dict(CENSUS_SCHEMA))  # type: ignore[arg-type]


def _deferral_units(config: Config, c_date: dt.date) -> pl.Expr:
    """A participant's rate, for those in the plan at the census date who participate (streams
    108 and 109); 0 for everyone else."""
    voluntary = config.enrollment.voluntary.deferral_rates
    entry = cal.plan_entry(config, pl.col("birth_date"), pl.col("hire_date"))
    participates = (entry <= c_date) & draws.happens(
        "u_participates", units(config.census.initial_participation_rate)
    )
    rate = draws.weighted(
        "u_rate", [units(c.rate) for c in voluntary], [units(c.weight) for c in voluntary]
    )
    return pl.when(participates).then(rate).otherwise(0).cast(pl.Int32)
