"""The year's money events in the columnar layout (rules, "Contribution and compliance events",
"Vesting and forfeitures", "HCE status", "Money event order").

Money events are numbered after the employee-year's other events, so adding them changes no
other event's sequence or id.
"""

from __future__ import annotations

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.ids import identified, positions
from planalign_core.engines.polars_engine.money.balances import (
    EMPLOYER_SOURCES,
    FORFEITURE_SUB,
    SOURCES,
)
from planalign_core.engines.polars_engine.money.common import KEY
from planalign_core.engines.polars_engine.money.contributions import YearRules
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.events.columnar import EVENT_TYPE_CODES
from planalign_core.literals import lit
from planalign_core.rules import calendar as cal

HEAD = (KEY, "employee_id", "id_prefix")
COMPLIANCE_SUB = {
    "catch_up": 1,
    "401a17_compensation": 2,
    "402g_deferral": 3,
    "415c_annual_additions": 4,
}


def _head(event_type: str, sub: int, day: pl.Expr) -> list[pl.Expr]:
    return [
        *[pl.col(c) for c in HEAD],
        lit(event_type).alias("event_type"),
        lit(EVENT_TYPE_CODES[event_type], pl.Int32).alias("__code"),
        lit(sub, pl.Int32).alias("__sub"),
        cal.to_date(day).alias("effective_date"),
    ]


def _limit_applied(source: str, rules: YearRules) -> pl.Expr:
    pay_capped = pl.col("Pu") > rules.limits.compensation_401a17
    if source == "employee_pre_tax":
        cut, name = pl.col("DU") > rules.limits.deferral_402g, "402g_deferral"
    elif source == "catch_up":
        cut, name = pl.col("DU") > pl.col("ded_limit"), "catch_up"
    else:
        flags = {"employer_match": "cut_match", "true_up": "cut_true_up", "non_elective": "cut_nec"}
        cut, name = pl.col(flags[source]), "415c_annual_additions"
    return (
        pl.when(cut)
        .then(lit(name))
        .when(pay_capped)
        .then(lit("401a17_compensation"))
        .otherwise(lit(None, pl.String))
    )


def _contributions(annual: pl.LazyFrame, rules: YearRules) -> list[pl.LazyFrame]:
    last_active = pl.col("x") - 1
    return [
        annual.filter(pl.col(s.amount) > 0).select(
            *_head("contribution", s.sub, last_active),
            lit(s.name).alias("contribution_source"),
            money(pl.col(s.amount)).alias("amount"),
            money(pl.col(s.amount)).alias("ytd_amount"),
            _limit_applied(s.name, rules).alias("limit_applied"),
        )
        for s in SOURCES
    ]


def _compliance(annual: pl.LazyFrame, rules: YearRules) -> list[pl.LazyFrame]:
    def part(kind: str, where: pl.Expr, day: pl.Expr, limit: pl.Expr, amount: str) -> pl.LazyFrame:
        return annual.filter(where).select(
            *_head("compliance", COMPLIANCE_SUB[kind], day),
            lit(kind).alias("limit_type"),
            money(limit).alias("applicable_limit"),
            money(pl.col(amount)).alias("current_amount"),
        )

    def reached(kind: str, day: str, limit: int, amount: str) -> pl.LazyFrame:
        """A fixed limit of the year, reached on the day in column ``day`` (null: never)."""
        on = pl.col(day)
        return part(kind, on.is_not_null(), on, lit(limit, pl.Int64), amount)

    lim = rules.limits
    return [
        part(
            "catch_up",
            pl.col("catch_up_changed") & (pl.col("n") > 0),
            pl.col("s"),
            pl.col("catch_up_limit"),
            "catch_up",
        ),
        reached("401a17_compensation", "reach_401a17", lim.compensation_401a17, "P"),
        reached("402g_deferral", "reach_402g", lim.deferral_402g, "pre_tax"),
        part(
            "415c_annual_additions",
            (pl.col("A0") > 0) & (pl.col("A0") >= pl.col("L415")),
            pl.col("x") - 1,
            pl.col("L415"),
            "A",
        ),
    ]


def _forfeitures(annual: pl.LazyFrame) -> list[pl.LazyFrame]:
    return [
        annual.filter(pl.col(f"F_{s.name}") > 0).select(
            *_head("forfeiture", FORFEITURE_SUB[s.name], pl.col("x")),
            lit(s.name).alias("forfeiture_source"),
            money(pl.col(f"F_{s.name}")).alias("amount"),
        )
        for s in EMPLOYER_SOURCES
    ]


def _vesting(changes: pl.LazyFrame, config: Config) -> pl.LazyFrame:
    return changes.select(
        *_head("vesting", 1, pl.col("vesting_day")),
        lit(config.vesting.schedule).alias("vesting_schedule"),
        pl.col("years_of_service").cast(pl.Int16),
        rate(pl.col("previous_pct")).alias("previous_vested_percentage"),
        rate(pl.col("new_pct")).alias("vested_percentage"),
    )


def _hce(annual: pl.LazyFrame, first_day: int) -> pl.LazyFrame:
    return annual.filter(pl.col("hce_changed")).select(
        *_head("hce_status", 1, lit(first_day, pl.Int32)),
        "is_hce",
        money(pl.col("hce_threshold")).alias("hce_threshold"),
        money(pl.col("lookback")).alias("lookback_compensation"),
    )


def _numbered(events: pl.DataFrame, workforce_events: pl.DataFrame, year: int) -> pl.DataFrame:
    """``event_sequence = n1 + position`` by (date, code, sub) within the employee-year."""
    counts = workforce_events.group_by("employee_id").agg(
        pl.col("event_sequence").max().alias("__n1")
    )
    day = cal.days(pl.col("effective_date")) - cal.days(lit(cal.EPOCH.replace(year=year)))
    order = (
        pl.col(KEY).cast(pl.UInt64) * (1 << 16)
        + day.cast(pl.UInt64) * (1 << 7)
        + pl.col("__code").cast(pl.UInt64) * (1 << 3)
        + pl.col("__sub").cast(pl.UInt64)
    )
    position = positions(events, order, KEY)
    events = events.join(counts, on="employee_id", how="left", maintain_order="left")
    return events.with_columns(
        (position + pl.col("__n1").fill_null(0)).cast(pl.Int32).alias("event_sequence")
    )


def money_events(
    annual: pl.DataFrame,
    *,
    changes: pl.DataFrame,
    workforce_events: pl.DataFrame,
    config: Config,
    rules: YearRules,
    keys: RunKeys,
) -> pl.DataFrame:
    """Every money event of the year, numbered and identified, in the event layout."""
    lazy = annual.lazy()
    parts = [
        *_contributions(lazy, rules),
        *_compliance(lazy, rules),
        *_forfeitures(lazy),
        _vesting(changes.lazy(), config),
        _hce(lazy, rules.first),
    ]
    events = pl.concat(pl.collect_all(parts, engine=ENGINE), how="diagonal")
    events = _numbered(events, workforce_events, rules.year)
    return identified(events, keys, rules.year, (KEY, "__code", "__sub", "__n1"))
