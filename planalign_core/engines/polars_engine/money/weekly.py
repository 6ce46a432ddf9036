"""``fct_participant_balance_snapshots`` (rules, "Money tables"): each participant's balances on
every Friday it is employed, at the year end and on its termination date.

Vectorised: each pay segment expands to the Fridays inside it (``int_ranges`` + ``explode``),
and a Friday's deferrals are one linear step from the segment's cumulative values at its start;
the year-end and termination rows come from the annual balances. No per-day rows.
"""

from __future__ import annotations

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys, WeeklyTables
from planalign_core.engines.polars_engine.money import MoneyYear
from planalign_core.engines.polars_engine.money.balances import EMPLOYEE_SOURCES, EMPLOYER_SOURCES
from planalign_core.engines.polars_engine.money.common import FRIDAY_ZERO, KEY, lit64, rhu
from planalign_core.engines.polars_engine.money.vesting import anniversary_in, percent
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.literals import lit
from planalign_core.rng import RATE_SCALE
from planalign_core.rules import calendar as cal

MONEY_COLUMNS = (
    "ytd_deferrals",
    "ytd_employer_contributions",
    "employee_balance",
    "employer_balance",
    "total_balance",
    "vested_balance",
)
EMPLOYER_FLOWS = [pl.col(s.amount) for s in EMPLOYER_SOURCES]


def _sum(columns: list[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal(columns) if columns else lit64(0)


def _per_employee(money_year: MoneyYear, config: Config) -> pl.LazyFrame:
    """What a Friday row needs of its employee besides its segment, precomputed once per
    employee: the employee money at the start, the employer money before and after the year's
    flows are credited (on the last active day), and the vested employer money for each of the
    four combinations of (credited or not) x (before or after the service anniversary)."""
    year = money_year.rules.year
    service = year - pl.col("hire_date").dt.year().cast(pl.Int32)
    frame = money_year.annual.lazy().select(
        KEY,
        (pl.col("x") - 1).cast(pl.Int64).alias("__last_active"),
        cal.days(anniversary_in(year)).cast(pl.Int64).alias("__anniversary"),
        percent(pl.max_horizontal(service - 1, 0), config).alias("__vest_before"),
        percent(pl.max_horizontal(service, 0), config).alias("__vest_after"),
        _sum([pl.col(f"B_{s.name}") for s in EMPLOYEE_SOURCES]).alias("__employee_begin"),
        *[pl.col(f"B_{s.name}") for s in EMPLOYER_SOURCES],
        *[pl.col(s.amount) for s in EMPLOYER_SOURCES],
    )
    held = {
        "0": [pl.col(f"B_{s.name}") for s in EMPLOYER_SOURCES],
        "1": [pl.col(f"B_{s.name}") + pl.col(s.amount) for s in EMPLOYER_SOURCES],
    }
    vests = {"0": pl.col("__vest_before"), "1": pl.col("__vest_after")}
    return frame.select(
        KEY,
        "__last_active",
        "__anniversary",
        "__vest_before",
        "__vest_after",
        "__employee_begin",
        _sum(held["0"]).alias("__er_0"),
        _sum(held["1"]).alias("__er_1"),
        _sum(EMPLOYER_FLOWS).alias("__flows"),
        *[
            _sum([rhu(b * vests[a], RATE_SCALE) for b in held[c]]).alias(f"__v_{c}{a}")
            for c in "01"
            for a in "01"
        ],
    )


def segment_rows(money_year: MoneyYear, config: Config, keys: RunKeys) -> pl.DataFrame:
    """The compact form of the year's weekly rows: one row per pay segment holding a Friday
    (``SEGMENT_COLUMNS``), from which every Friday's row is a few integer operations on the
    Friday's index ``k`` (0 for the first Friday): :func:`expand` here, the stored view in SQL
    (``planalign_core.store.snapshots``). A Friday ``t`` of a segment ``[b, end)`` is one with
    ``b <= t < min(end, end(Y))`` (the year-end row replaces the year's last day)."""
    rules = money_year.rules
    pay = pl.when(pl.col("in_plan")).then(pl.col("pay")).otherwise(lit64(0))
    b = pl.col("b").cast(pl.Int64)
    first = b + ((FRIDAY_ZERO - b) % 7 + 7) % 7
    stop = pl.min_horizontal(pl.col("end").cast(pl.Int64), lit64(rules.last))
    per_employee = _per_employee(money_year, config).join(
        money_year.annual.lazy().select(KEY, "employee_id"), on=KEY, how="left"
    )
    return (
        money_year.segments.lazy()
        .select(
            KEY,
            first.alias("__first"),
            ((stop - first + 6) // 7).alias("__fridays"),
            pl.col("rate").cast(pl.Int32).alias("deferral_rate_units"),
            (pl.col("Up0") + pay * (first - b + 1)).alias("plan_pay_first"),
            (pay * 7).alias("plan_pay_step"),
            lit64(rules.pay_cap).alias("plan_pay_cap"),
            pl.col("Uc0").alias("capped_pay_start"),
            pl.col("N0").alias("deferral_units_start"),
            lit64(rules.deferral_q).alias("deferral_divisor"),
            pl.col("ded_limit").alias("deferral_cap"),
        )
        .filter(pl.col("__fridays") > 0)
        .join(per_employee, on=KEY, how="left", maintain_order="left")
        .select(
            lit(keys.scenario_id).alias("scenario_id"),
            lit(keys.plan_design_id).alias("plan_design_id"),
            "employee_id",
            lit(rules.year, pl.Int32).alias("simulation_year"),
            cal.to_date(pl.col("__first")).alias("first_friday"),
            pl.col("__fridays").cast(pl.Int32).alias("fridays"),
            "deferral_rate_units",
            "plan_pay_first",
            "plan_pay_step",
            "plan_pay_cap",
            "capped_pay_start",
            "deferral_units_start",
            "deferral_divisor",
            "deferral_cap",
            cal.to_date(pl.col("__last_active")).alias("credited_from"),
            cal.to_date(pl.col("__anniversary")).alias("vesting_from"),
            pl.col("__vest_before").cast(pl.Int32).alias("vest_before_units"),
            pl.col("__vest_after").cast(pl.Int32).alias("vest_after_units"),
            pl.col("__employee_begin").alias("employee_start"),
            pl.col("__er_0").alias("employer_before"),
            pl.col("__er_1").alias("employer_after"),
            pl.col("__flows").alias("employer_flows"),
            *[pl.col(f"__v_{c}{a}").alias(f"vested_employer_{c}{a}") for c in "01" for a in "01"],
        )
        .collect(engine=ENGINE)
    )


def _friday_cents() -> dict[str, pl.Expr]:
    """A Friday's money columns in cents: the employer money and its vested part switch on the
    day the year's employer money is credited (``__credited``) and on the service anniversary
    (``__after``)."""
    credited, after = pl.col("__credited"), pl.col("__after")
    employee = pl.col("employee_start") + pl.col("ytd_deferrals")
    employer = pl.when(credited).then(pl.col("employer_after")).otherwise(pl.col("employer_before"))
    vested_employer = (
        pl.when(credited & after)
        .then(pl.col("vested_employer_11"))
        .when(credited)
        .then(pl.col("vested_employer_10"))
        .when(after)
        .then(pl.col("vested_employer_01"))
        .otherwise(pl.col("vested_employer_00"))
    )
    return {
        "ytd_deferrals": pl.col("ytd_deferrals"),
        "ytd_employer_contributions": pl.when(credited)
        .then(pl.col("employer_flows"))
        .otherwise(lit64(0)),
        "employee_balance": employee,
        "employer_balance": employer,
        "total_balance": employee + employer,
        "vested_balance": employee + vested_employer,
    }


def expand(segments: pl.DataFrame) -> pl.DataFrame:
    """The weekly rows of :func:`segment_rows`' segments, in the table's layout (the Polars
    translation of the stored view; a test holds them equal)."""
    k = pl.col("__k")
    day = pl.col("first_friday").cast(pl.Int64) + 7 * k
    up = pl.col("plan_pay_first") + pl.col("plan_pay_step") * k
    uc = pl.min_horizontal(up, pl.col("plan_pay_cap"))
    n = pl.col("deferral_units_start") + pl.col("deferral_rate_units") * (
        uc - pl.col("capped_pay_start")
    )
    rows = (
        segments.lazy()
        .with_columns(pl.int_ranges(0, pl.col("fridays"), dtype=pl.Int64).alias("__k"))
        .explode("__k")
        .with_columns(day.alias("__day"))
        .with_columns(
            pl.min_horizontal(rhu(n, pl.col("deferral_divisor")), pl.col("deferral_cap")).alias(
                "ytd_deferrals"
            ),
            (pl.col("__day") >= pl.col("credited_from").cast(pl.Int64)).alias("__credited"),
            (pl.col("__day") >= pl.col("vesting_from").cast(pl.Int64)).alias("__after"),
        )
    )
    after = pl.col("__after")
    cents = _friday_cents()
    return (
        rows.filter((cents["total_balance"] > 0) | (pl.col("deferral_rate_units") > 0))
        .select(
            "scenario_id",
            "plan_design_id",
            "employee_id",
            "simulation_year",
            cal.to_date(pl.col("__day")).alias("snapshot_date"),
            lit("weekly").alias("snapshot_type"),
            lit("active").alias("employment_status"),
            rate(pl.col("deferral_rate_units")).alias("current_deferral_rate"),
            *[money(cents[c]).alias(c) for c in MONEY_COLUMNS],
            rate(
                pl.when(after)
                .then(pl.col("vest_after_units"))
                .otherwise(pl.col("vest_before_units"))
            ).alias("vested_percentage"),
        )
        .collect(engine=ENGINE)
    )


def _closing(money_year: MoneyYear) -> pl.LazyFrame:
    """The year-end row of each employee active at ``end(Y)`` and the termination row of each
    leaver: the annual balances."""
    rules = money_year.rules
    last_rate = money_year.segments.lazy().group_by(KEY).agg(pl.col("rate").last().alias("__r"))
    terminated = pl.col("terminated")
    employee = _sum([pl.col(f"E_{s.name}") for s in EMPLOYEE_SOURCES])
    employer = _sum([pl.col(f"E_{s.name}") for s in EMPLOYER_SOURCES])
    vested = _sum([pl.col(f"V_{s.name}") for s in (*EMPLOYEE_SOURCES, *EMPLOYER_SOURCES)])
    held = _sum(
        [pl.col(f"B_{s.name}") + pl.col(s.amount) for s in (*EMPLOYEE_SOURCES, *EMPLOYER_SOURCES)]
    )
    return (
        money_year.annual.lazy()
        .join(last_rate, on=KEY, how="left", maintain_order="left")
        .select(
            KEY,
            pl.when(terminated)
            .then(pl.col("x").cast(pl.Int64))
            .otherwise(lit64(rules.last))
            .alias("__day"),
            lit(True).alias("__closing"),
            pl.coalesce(pl.col("__r"), pl.col("start_rate")).alias("__rate"),
            pl.col("DT").alias("ytd_deferrals"),
            _sum(EMPLOYER_FLOWS).alias("ytd_employer_contributions"),
            employee.alias("employee_balance"),
            employer.alias("employer_balance"),
            (employee + employer).alias("total_balance"),
            vested.alias("vested_balance"),
            pl.col("vest_end").alias("__vest"),
            held.alias("__held"),
            terminated.alias("__terminated"),
        )
        .filter(
            pl.when(pl.col("__terminated"))
            .then(pl.col("__held") > 0)
            .otherwise((pl.col("total_balance") > 0) | (pl.col("__rate") > 0))
        )
        .drop("__held", "__terminated")
    )


def closing_rows(money_year: MoneyYear, keys: RunKeys) -> pl.DataFrame:
    """The year's year-end and termination rows, in the table's layout (stored as they are:
    about one row per employee-year)."""
    rules = money_year.rules
    ids = money_year.annual.lazy().select(KEY, "employee_id", "terminated")
    rows = _closing(money_year).join(ids, on=KEY, how="left", maintain_order="left")
    terminated = pl.col("terminated")
    return rows.select(
        lit(keys.scenario_id).alias("scenario_id"),
        lit(keys.plan_design_id).alias("plan_design_id"),
        "employee_id",
        lit(rules.year, pl.Int32).alias("simulation_year"),
        cal.to_date(pl.col("__day")).alias("snapshot_date"),
        pl.when(terminated)
        .then(lit("termination"))
        .otherwise(lit("year_end"))
        .alias("snapshot_type"),
        pl.when(terminated)
        .then(lit("terminated"))
        .otherwise(lit("active"))
        .alias("employment_status"),
        rate(pl.col("__rate")).alias("current_deferral_rate"),
        *[money(pl.col(c)).alias(c) for c in MONEY_COLUMNS],
        rate(pl.col("__vest")).alias("vested_percentage"),
    ).collect(engine=ENGINE)


def expand_tables(tables: WeeklyTables) -> pl.DataFrame:
    """Every row of ``fct_participant_balance_snapshots`` for the year: the Fridays by employee
    and date, then the closing rows (the Polars twin of the store's view)."""
    return pl.concat([expand(tables.segments), tables.closings], rechunk=False)


def weekly_tables(money_year: MoneyYear, config: Config, keys: RunKeys) -> WeeklyTables:
    """The year's compact weekly snapshots (:class:`WeeklyTables`)."""
    return WeeklyTables(segment_rows(money_year, config, keys), closing_rows(money_year, keys))


def weekly_snapshots(money_year: MoneyYear, config: Config, keys: RunKeys) -> pl.DataFrame:
    """The year's rows of ``fct_participant_balance_snapshots``, expanded."""
    return expand_tables(weekly_tables(money_year, config, keys))
