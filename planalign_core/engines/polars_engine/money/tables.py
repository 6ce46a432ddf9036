"""The money tables' layouts (rules, "Money tables"): cents and units become DECIMAL only here."""

from __future__ import annotations

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.money.balances import SOURCES
from planalign_core.engines.polars_engine.money.common import KEY, lit64
from planalign_core.engines.polars_engine.money.contributions import YearRules
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal

CONTRIBUTION_MONEY = {
    "earned_compensation": "W",
    "plan_compensation_uncapped": "Pu",
    "plan_compensation": "P",
    "deferrals_uncapped": "DU",
    "employee_pre_tax": "pre_tax",
    "employee_roth": None,
    "catch_up": "catch_up",
    "total_deferrals": "DT",
    "employer_match": "employer_match",
    "true_up": "true_up",
    "non_elective": "non_elective",
    "annual_additions": "A",
    "excess_415c": "excess_415c",
}


def _envelope(keys: RunKeys, year: int) -> list[pl.Expr]:
    return [
        lit(keys.scenario_id).alias("scenario_id"),
        lit(keys.plan_design_id).alias("plan_design_id"),
        pl.col("employee_id"),
        lit(year, pl.Int32).alias("simulation_year"),
    ]


def contributions_table(annual: pl.DataFrame, rules: YearRules, keys: RunKeys) -> pl.DataFrame:
    """``int_employee_contributions``: one row per employee of the year."""
    lim = rules.limits
    employed = pl.col("n") > 0
    return (
        annual.lazy()
        .sort(KEY)
        .select(
            *_envelope(keys, rules.year),
            cal.to_date(pl.col("s")).alias("employment_start_date"),
            pl.when(employed).then(cal.to_date(pl.col("x") - 1)).alias("last_active_date"),
            pl.col("n").cast(pl.Int32).alias("days_employed"),
            pl.col("segments").cast(pl.Int32),
            *[
                money(pl.col(column) if column else lit64(0)).alias(name)
                for name, column in CONTRIBUTION_MONEY.items()
            ],
            money(lit64(lim.deferral_402g)).alias("deferral_limit_402g"),
            money(pl.col("catch_up_limit")).alias("catch_up_limit"),
            money(lit64(lim.compensation_401a17)).alias("compensation_limit_401a17"),
            money(pl.col("L415")).alias("annual_additions_limit_415c"),
            (pl.col("catch_up_limit") > 0).alias("is_catch_up_eligible"),
            cal.to_date(pl.col("reach_401a17")).alias("reached_401a17_date"),
            cal.to_date(pl.col("reach_402g")).alias("reached_402g_date"),
            money(pl.col("lookback")).alias("lookback_compensation"),
            money(pl.col("hce_threshold")).alias("hce_threshold"),
            pl.col("is_hce"),
            lit(rules.estimated).alias("irs_limits_estimated"),
        )
        .collect(engine=ENGINE)
    )


def balances_table(annual: pl.DataFrame, rules: YearRules, keys: RunKeys) -> pl.DataFrame:
    """``int_participant_balances``: one row per employee and source with money."""
    parts = [
        annual.lazy()
        .filter(
            (pl.col(f"B_{s.name}") != lit(0))
            | (pl.col(s.amount) != lit(0))
            | (pl.col(f"E_{s.name}") != lit(0))
        )
        .select(
            KEY,
            *_envelope(keys, rules.year),
            lit(s.name).alias("source"),
            money(pl.col(f"B_{s.name}")).alias("beginning_balance"),
            money(pl.col(s.amount)).alias("contributions"),
            money(pl.col(f"R_{s.name}")).alias("investment_return"),
            money(pl.col(f"F_{s.name}")).alias("forfeitures"),
            money(pl.col(f"E_{s.name}")).alias("ending_balance"),
            money(pl.col(f"V_{s.name}")).alias("vested_balance"),
            rate(pl.col("vest_end") if s.employer else lit64(RATE_SCALE)).alias(
                "vested_percentage"
            ),
            lit(s.sub, pl.Int32).alias("__sub"),
        )
        for s in SOURCES
    ]
    return pl.concat(pl.collect_all(parts, engine=ENGINE)).sort(KEY, "__sub").drop(KEY, "__sub")
