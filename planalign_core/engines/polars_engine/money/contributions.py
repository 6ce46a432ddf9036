"""Deferrals under 401(a)(17), 402(g) and catch-up, per segment and per year (rules,
"Employee deferrals" and "Employer match, true-up and non-elective").

Cumulative amounts are exact integers in cent-days (``Ua``, ``Up``, ``Uc``) and unit-cent-days
(``N``); each segment carries their values at its start (``*0``) and end (``*1``), so any day's
value is one linear step from its segment's start, and a cap reached inside a segment is found by
one ceiling division.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from planalign_core.config import Config, units
from planalign_core.engines.polars_engine.money import employer
from planalign_core.engines.polars_engine.money.common import (
    KEY,
    ceil_div,
    group_cum_sum,
    lit64,
    rhu,
    year_bounds,
)
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal
from planalign_core.rules.limits import YearLimits, year_limits


@dataclass(frozen=True)
class YearRules:
    """The year's constants: limits in cents, days, match tiers."""

    year: int
    days: int
    first: int
    last: int
    limits: YearLimits
    lookback_limits: YearLimits
    tiers: tuple[employer.Tier, ...]
    true_up: bool
    non_elective: int

    @property
    def pay_cap(self) -> int:
        """``lim(Y).compensation_401a17 * D`` in cent-days."""
        return self.limits.compensation_401a17 * self.days

    @property
    def deferral_q(self) -> int:
        return RATE_SCALE * self.days

    @property
    def threshold_401a17(self) -> int:
        """``Up`` reaching it means ``Pu >= lim(Y).compensation_401a17``."""
        return self.pay_cap - self.days // 2

    @property
    def threshold_402g(self) -> int:
        """``N`` reaching it means ``DU >= G``."""
        return self.limits.deferral_402g * self.deferral_q - self.deferral_q // 2

    @property
    def estimated(self) -> bool:
        return self.limits.estimated or self.lookback_limits.estimated


def year_rules(config: Config, year: int) -> YearRules:
    first, last, days = year_bounds(year)
    return YearRules(
        year=year,
        days=days,
        first=first,
        last=last,
        limits=year_limits(config, year),
        lookback_limits=year_limits(config, year - 1),
        tiers=tuple(employer.tiers(config)),
        true_up=config.match.true_up,
        non_elective=units(config.non_elective.rate),
    )


def catch_up_class(config: Config, age: pl.Expr) -> pl.Expr:
    """0 none, 1 the age-50 catch-up, 2 the age 60-63 one, for the age at a year's end."""
    limits = config.limits
    return (
        pl.when(age.is_between(limits.catch_up_60_63_min_age, limits.catch_up_60_63_max_age))
        .then(2)
        .when(age >= limits.catch_up_age)
        .then(1)
        .otherwise(0)
    )


def catch_up_changed(config: Config, rules: YearRules) -> pl.Expr:
    """The catch-up class of the year is not none and differs from the previous year's."""
    age = cal.age_on(pl.col("birth_date"), dt.date(rules.year, 12, 31))
    now = catch_up_class(config, age)
    return (now != 0) & (now != catch_up_class(config, age - 1))


def catch_up_limit(config: Config, rules: YearRules) -> pl.Expr:
    """``CU``: the catch-up the employee's age at ``end(Y)`` allows."""
    limits = config.limits
    age = cal.age_on(pl.col("birth_date"), dt.date(rules.year, 12, 31))
    return (
        pl.when(age.is_between(limits.catch_up_60_63_min_age, limits.catch_up_60_63_max_age))
        .then(lit64(rules.limits.catch_up_60_63))
        .when(age >= limits.catch_up_age)
        .then(lit64(rules.limits.catch_up))
        .otherwise(lit64(0))
    )


def capped_deferral(n: pl.Expr, rules: YearRules) -> pl.Expr:
    """``DT`` from ``N``: ``min(rhu(N, 10000 D), G + CU)`` (``ded_limit`` is ``G + CU``)."""
    return pl.min_horizontal(rhu(n, rules.deferral_q), pl.col("ded_limit"))


def segment_amounts(segments: pl.LazyFrame, rules: YearRules) -> pl.LazyFrame:
    """Cumulative values at each segment's start and end, its payroll match numerator ``F``
    (``seg_match``), and the day a limit is reached inside it (null when not)."""
    cap, days = rules.pay_cap, rules.days
    pay, rate = pl.col("pay"), pl.col("rate")
    all_pay = pay * pl.col("n_days")
    plan_pay = pl.when(pl.col("in_plan")).then(all_pay).otherwise(lit64(0))
    frame = segments.with_columns(
        group_cum_sum(all_pay).alias("Ua1"),
        group_cum_sum(plan_pay).alias("Up1"),
        plan_pay.alias("__up"),
    ).with_columns(
        (pl.col("Up1") - pl.col("__up")).alias("Up0"),
        pl.min_horizontal(pl.col("Up1"), lit64(cap)).alias("Uc1"),
    )
    frame = frame.with_columns(
        pl.min_horizontal(pl.col("Up0"), lit64(cap)).alias("Uc0"),
    ).with_columns((rate * (pl.col("Uc1") - pl.col("Uc0"))).alias("__n"))
    frame = frame.with_columns(group_cum_sum(pl.col("__n")).alias("N1")).with_columns(
        (pl.col("N1") - pl.col("__n")).alias("N0")
    )
    deferral = capped_deferral(pl.col("N1"), rules) - capped_deferral(pl.col("N0"), rules)
    seg_pay = rhu(pl.col("Uc1"), days) - rhu(pl.col("Uc0"), days)
    b = pl.col("b").cast(pl.Int64)
    t17, t402 = rules.threshold_401a17, rules.threshold_402g
    reach17 = (pl.col("Up0") < t17) & (pl.col("Up1") >= t17)
    reach402 = (pl.col("N0") < t402) & (pl.col("N1") >= t402)
    slope17 = pl.max_horizontal(pay, lit64(1))
    slope402 = pl.max_horizontal(rate * pay, lit64(1))
    return frame.with_columns(
        employer.match_numerator(deferral, seg_pay, rules.tiers).alias("seg_match"),
        pl.when(reach17).then(b + ceil_div(t17 - pl.col("Up0"), slope17) - 1).alias("reach_401a17"),
        pl.when(reach402).then(b + ceil_div(t402 - pl.col("N0"), slope402) - 1).alias("reach_402g"),
    ).drop("__up", "__n")


def _segment_totals(amounts: pl.LazyFrame) -> pl.LazyFrame:
    """Per employee, from its segments: the cumulative amounts at year end, the payroll match
    (``match0``), the days the 401(a)(17) and 402(g) limits were reached, the segment count.
    Segments are sorted by employee and date: each employee's totals are running values read on
    its last segment (a limit is reached in one segment at most)."""
    last = (pl.col(KEY) != pl.col(KEY).shift(-1)).fill_null(True)
    return (
        amounts.with_columns(
            group_cum_sum(pl.col("seg_match")).alias("__match"),
            *[
                group_cum_sum(pl.col(c).fill_null(0)).alias(f"__{c}")
                for c in ("reach_401a17", "reach_402g")
            ],
            *[
                group_cum_sum(pl.col(c).is_not_null().cast(pl.Int64)).alias(f"__has_{c}")
                for c in ("reach_401a17", "reach_402g")
            ],
            group_cum_sum(pl.col(KEY).is_not_null().cast(pl.Int64))
            .cast(pl.Int32)
            .alias("segments"),
        )
        .filter(last)
        .select(
            KEY,
            pl.col("Ua1").alias("Ua"),
            pl.col("Up1").alias("Up"),
            pl.col("Uc1").alias("Uc"),
            pl.col("N1").alias("N"),
            employer.match_cents(pl.col("__match")).alias("match0"),
            *[
                pl.when(pl.col(f"__has_{c}") > 0).then(pl.col(f"__{c}")).alias(c)
                for c in ("reach_401a17", "reach_402g")
            ],
            "segments",
        )
    )


def annual(people: pl.DataFrame, amounts: pl.LazyFrame, rules: YearRules) -> pl.LazyFrame:
    """Per employee: pay, deferrals by source, employer money after 415(c), reach days."""
    days = rules.days
    lim = rules.limits
    totals = _segment_totals(amounts)
    frame = people.lazy().join(totals, on=KEY, how="left", maintain_order="left")
    zero = lit64(0)
    frame = frame.with_columns(
        pl.coalesce(rhu(pl.col("Ua"), days), zero).alias("W"),
        pl.coalesce(rhu(pl.col("Up"), days), zero).alias("Pu"),
        pl.coalesce(rhu(pl.col("Uc"), days), zero).alias("P"),
        pl.coalesce(rhu(pl.col("N"), rules.deferral_q), zero).alias("DU"),
        pl.col("match0").fill_null(0),
        pl.col("segments").fill_null(0),
    )
    g = lit64(lim.deferral_402g)
    frame = frame.with_columns(pl.min_horizontal(pl.col("DU"), pl.col("ded_limit")).alias("DT"))
    frame = frame.with_columns(
        pl.min_horizontal(pl.col("DT"), g).alias("pre_tax"),
        (pl.col("DT") - pl.min_horizontal(pl.col("DT"), g)).alias("catch_up"),
        employer.match_formula(pl.col("DT"), pl.col("P"), rules.tiers).alias("__annual_match"),
        rhu(pl.col("P") * rules.non_elective, RATE_SCALE).alias("nec0"),
    )
    true_up = (
        pl.max_horizontal(pl.col("__annual_match") - pl.col("match0"), zero)
        if rules.true_up
        else zero
    )
    frame = frame.with_columns(true_up.alias("true_up0")).with_columns(
        (pl.col("pre_tax") + pl.col("match0") + pl.col("true_up0") + pl.col("nec0")).alias("A0"),
        pl.min_horizontal(lit64(lim.annual_additions_415c), pl.col("W")).alias("L415"),
    )
    frame = frame.with_columns(
        pl.max_horizontal(pl.col("A0") - pl.col("L415"), zero).alias("excess_415c")
    )
    frame = employer.cut_415(frame)
    return frame.with_columns(
        (pl.col("A0") - pl.col("excess_415c")).alias("A"),
    ).drop("Ua", "Up", "Uc", "N", "__annual_match")
