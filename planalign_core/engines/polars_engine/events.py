"""The year frame's decisions as events in the schema's columnar form (rules, "Events").

One small frame per event type with only its own columns, concatenated (grouped by type, as
stored), numbered and identified, then given the ``fct_yearly_events`` layout by
:func:`conform`.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config, units
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.ids import identified, positions
from planalign_core.engines.polars_engine.params import money, rate
from planalign_core.events.columnar import EVENT_TYPE_CODES
from planalign_core.literals import lit
from planalign_core.rules import calendar as cal

ORDER_COLUMNS = ("__code", "__sub")


def _event(frame: pl.LazyFrame, where: str, event_type: str, sub: int = 1) -> pl.LazyFrame:
    return frame.filter(pl.col(where)).with_columns(
        lit(event_type).alias("event_type"),
        lit(EVENT_TYPE_CODES[event_type], pl.Int32).alias("__code"),
        lit(sub, pl.Int32).alias("__sub"),
    )


KEYS = ["employee_key", "employee_id", "id_prefix", "event_type", *ORDER_COLUMNS]


def _parts(year_frame: pl.LazyFrame, config: Config, year: int) -> list[pl.LazyFrame]:
    """The year's events of types 1-7, one frame per kind (in the type codes' order)."""
    return [*_workforce_parts(year_frame, config, year), *_plan_parts(year_frame, config, year)]


def _workforce_parts(year_frame: pl.LazyFrame, config: Config, year: int) -> list[pl.LazyFrame]:
    """Hires, terminations, promotions, merit raises."""
    comp = config.compensation
    keys = KEYS
    promotion_day = cal.on_month_day(year, comp.promotion_date)
    merit_day = cal.on_month_day(year, comp.merit_date)
    return [
        _event(year_frame, "is_new_hire", "hire").select(
            *keys,
            pl.col("hire_date").alias("effective_date"),
            "job_level",
            money(pl.col("compensation_cents")).alias("annual_compensation"),
            "birth_date",
        ),
        _event(year_frame, "terminated", "termination").select(
            *keys,
            pl.col("termination_date").alias("effective_date"),
            "termination_reason",
            "hire_date",
        ),
        _event(year_frame, "promoted", "promotion").select(
            *keys,
            lit(promotion_day).alias("effective_date"),
            pl.col("job_level").alias("from_level"),
            pl.col("level_end").alias("to_level"),
            money(pl.col("compensation_cents")).alias("previous_compensation"),
            money(pl.col("comp_mid")).alias("new_compensation"),
        ),
        _event(year_frame, "has_merit", "merit").select(
            *keys,
            lit(merit_day).alias("effective_date"),
            money(pl.col("comp_mid")).alias("previous_compensation"),
            money(pl.col("comp_end")).alias("new_compensation"),
            rate(pl.col("merit_units")).alias("merit_rate"),
            rate(lit(units(comp.cola_rate))).alias("cola_rate"),
        ),
    ]


def _plan_parts(year_frame: pl.LazyFrame, config: Config, year: int) -> list[pl.LazyFrame]:
    """Plan entries, enrolments (auto, opt-out, voluntary), deferral escalations."""
    keys = KEYS
    escalation_day = cal.on_month_day(year, config.escalation.date)
    zero = rate(lit(0))
    return [
        _event(year_frame, "becomes_eligible", "eligibility").select(
            *keys,
            pl.col("plan_entry_date").alias("effective_date"),
            lit(config.eligibility.rule).alias("eligibility_rule"),
            "plan_entry_date",
        ),
        _event(year_frame, "auto_enrolled", "enrollment").select(
            *keys,
            pl.col("plan_entry_date").alias("effective_date"),
            rate(lit(units(config.enrollment.auto.default_rate))).alias("pre_tax_rate"),
            zero.alias("roth_rate"),
            lit("auto").alias("enrollment_source"),
        ),
        _event(year_frame, "opted_out", "enrollment", sub=2).select(
            *keys,
            pl.col("opt_out_date").alias("effective_date"),
            zero.alias("pre_tax_rate"),
            zero.alias("roth_rate"),
            lit("opt_out").alias("enrollment_source"),
        ),
        _event(year_frame, "voluntary", "enrollment").select(
            *keys,
            pl.col("voluntary_date").alias("effective_date"),
            rate(pl.col("voluntary_units")).alias("pre_tax_rate"),
            zero.alias("roth_rate"),
            lit("voluntary").alias("enrollment_source"),
        ),
        _event(year_frame, "escalates", "deferral_escalation").select(
            *keys,
            lit(escalation_day).alias("effective_date"),
            rate(pl.col("deferral_units")).alias("previous_rate"),
            rate(pl.col("escalation_units")).alias("new_rate"),
            rate(lit(units(config.escalation.cap))).alias("rate_cap"),
        ),
    ]


def _order_key(year: int) -> pl.Expr:
    """One UInt64 sorting like (employee_key, effective_date, type code, sub-order): the key
    takes 40 bits, the day of the year 9, the code 4 and the sub-order 2."""
    day = cal.days(pl.col("effective_date")) - cal.day_number(dt.date(year, 1, 1))
    return (
        pl.col("employee_key").cast(pl.UInt64) * (1 << 15)
        + day.cast(pl.UInt64) * (1 << 6)
        + pl.col("__code").cast(pl.UInt64) * (1 << 2)
        + pl.col("__sub").cast(pl.UInt64)
    )


def year_events(year_frame: pl.DataFrame, config: Config, keys: RunKeys, year: int) -> pl.DataFrame:
    """Every event of ``year`` in the ``fct_yearly_events`` layout, grouped by type.

    Grouped by type, most stored row groups hold one type, and the payload columns of the
    other types are NULL throughout them, which DuckDB stores as constants; and the numbering
    sorts two columns, not the wide frame (docs/benchmarks.md, "Where the time goes").
    """
    parts = pl.collect_all(_parts(year_frame.lazy(), config, year), engine=ENGINE)
    events = pl.concat(parts, how="diagonal")
    sequence = positions(events, _order_key(year), "employee_key")
    events = events.with_columns(sequence.alias("event_sequence"))
    return identified(events, keys, year, ("employee_key", *ORDER_COLUMNS))
