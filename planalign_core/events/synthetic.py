"""Seeded batches of valid events of all twelve types, built column-wise.

Not the simulation: a realistic, reproducible input for the ingest demo, the schema's
benchmarks and its tests. Each row's values are keyed draws of its row number, so a batch of n
is the first n rows of any larger batch with the same seed (append-only benchmark data).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.events.columnar import (
    ENVELOPE_COLUMNS,
    PAYLOAD_COLUMNS_BY_TYPE,
    conform,
)
from planalign_core.events.identity import with_event_ids
from planalign_core.events.types import EventType
from planalign_core.rng import RATE_SCALE, with_draw

EVENTS_PER_EMPLOYEE = 8
FIRST_YEAR = 2020
YEARS = 10
_CENT = pl.lit(Decimal("0.01"))


def _money(cents: pl.Expr) -> pl.Expr:
    return (cents.cast(pl.Decimal(18, 0)) * _CENT).cast(pl.Decimal(18, 2))


def _rate(units: pl.Expr) -> pl.Expr:
    return (units.cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.0001"))).cast(pl.Decimal(5, 4))


def _pick(draw: pl.Expr, values: list[str]) -> pl.Expr:
    return (draw % len(values)).replace_strict(
        list(range(len(values))), values, return_dtype=pl.String
    )


def synthetic_events(n: int, *, seed: int = 0, scenario_id: str = "synthetic") -> pl.DataFrame:
    """``n`` valid events in the columnar layout (deterministic in ``seed``)."""
    frame = _keyed_rows(n, seed)
    d0, d3 = pl.col("d0").cast(pl.Int64), pl.col("d3").cast(pl.Int64)
    year = pl.lit(FIRST_YEAR) + pl.col("employee_key") % YEARS
    effective = pl.date(year, 1, 1) + pl.duration(days=d0 % 365)
    types = [t.value for t in EventType]
    frame = frame.with_columns(
        event_type=_pick(d3, types),
        effective_date=effective,
        simulation_year=year,
        event_sequence=pl.col("row") % EVENTS_PER_EMPLOYEE + 1,
    )
    frame = with_event_ids(
        frame,
        seed=seed,
        scenario_key=0,
        employee_key=pl.col("employee_key"),
        year=pl.col("simulation_year"),
        type_code=pl.col("event_type").replace_strict(types, [t.code for t in EventType]),
        sequence=pl.col("event_sequence"),
    )
    values = {
        "scenario_id": pl.lit(scenario_id),
        "plan_design_id": pl.lit("standard"),
        "employee_id": pl.format("E{}", pl.col("employee_key").cast(pl.String).str.zfill(7)),
        "source_system": pl.lit("planalign.synthetic"),
        **_payload_values(year, effective),
    }
    frame = frame.with_columns(_owned(values))
    return conform(frame.drop("row", "employee_key", "d0", "d1", "d2", "d3").collect(engine=ENGINE))


def _keyed_rows(n: int, seed: int) -> pl.LazyFrame:
    """Row numbers, employee keys and four keyed draws per row (``d0``..``d3``)."""
    frame = pl.LazyFrame({"row": pl.int_range(0, n, eager=True, dtype=pl.Int64)})
    frame = frame.with_columns(employee_key=pl.col("row") // EVENTS_PER_EMPLOYEE + 1)
    for stream in range(4):
        frame = with_draw(
            frame,
            f"d{stream}",
            seed=seed,
            scenario_key=0,
            employee_key=pl.col("row"),
            year=0,
            stream=stream,
        )
    return frame


def _payload_values(year: pl.Expr, effective: pl.Expr) -> dict[str, pl.Expr]:
    """Every payload column's value from the row's draws (each kept only where its event type
    has that column: :func:`_owned`)."""
    d0, d1, d2, _ = (pl.col(f"d{s}").cast(pl.Int64) for s in range(4))
    cents = 3_000_000 + d1 % 20_000_000
    units = 100 + d2 % 1400
    is_hce = d2 % 5 == 0
    return {
        "job_level": (d1 % 4 + 1).cast(pl.Int16),
        "annual_compensation": _money(cents),
        "birth_date": pl.date(year - 22 - d2 % 40, 1, 1) + pl.duration(days=d0 % 365),
        "termination_reason": _pick(d1, ["voluntary", "involuntary", "retirement"]),
        "hire_date": effective - pl.duration(days=d1 % 3000),
        "from_level": (d1 % 4 + 1).cast(pl.Int16),
        "to_level": (d1 % 4 + 2).cast(pl.Int16),
        "previous_compensation": _money(cents),
        "new_compensation": _money(cents + cents * units // RATE_SCALE),
        "merit_rate": _rate(units),
        "cola_rate": _rate(d1 % 300),
        "eligibility_rule": _pick(d1, ["immediate", "age_and_service", "waiting_period"]),
        "plan_entry_date": effective,
        "pre_tax_rate": pl.when(d1 % 4 == 0).then(_rate(pl.lit(0))).otherwise(_rate(units)),
        "roth_rate": _rate(pl.lit(0)),
        "enrollment_source": pl.when(d1 % 4 == 0).then(pl.lit("opt_out")).otherwise(pl.lit("auto")),
        "previous_rate": _rate(units),
        "new_rate": _rate(units + 100),
        "rate_cap": _rate(pl.lit(2000)),
        "contribution_source": _pick(d1, ["employee_pre_tax", "employee_roth", "employer_match"]),
        "amount": _money(d1 % 200_000),
        "ytd_amount": _money(d1 % 200_000 + d2 % 1_000_000),
        "limit_applied": pl.lit(None, dtype=pl.String),
        "vesting_schedule": pl.lit("graded"),
        "years_of_service": (d1 % 6 + 1).cast(pl.Int16),
        "previous_vested_percentage": _rate(2000 * (d1 % 5)),
        "vested_percentage": _rate(2000 * (d1 % 5 + 1)),
        "forfeiture_source": pl.lit("employer_match"),
        "is_hce": is_hce,
        "hce_threshold": _money(pl.lit(15_500_000)),
        "lookback_compensation": _money(pl.when(is_hce).then(16_000_000).otherwise(9_000_000)),
        "limit_type": pl.lit("402g_deferral"),
        "applicable_limit": _money(pl.lit(2_350_000)),
        "current_amount": _money(d1 % 2_350_000),
    }


def _owned(values: dict[str, pl.Expr]) -> list[pl.Expr]:
    """The envelope's values as they are; a payload column's only on rows of the event types
    that carry it (null elsewhere)."""
    owner = {
        col: event_type for event_type, cols in PAYLOAD_COLUMNS_BY_TYPE.items() for col in cols
    }
    shared = {col for cols in PAYLOAD_COLUMNS_BY_TYPE.values() for col in cols}
    exprs = []
    for name, expr in values.items():
        if name in ENVELOPE_COLUMNS:
            exprs.append(expr.alias(name))
            continue
        users = [t for t, cols in PAYLOAD_COLUMNS_BY_TYPE.items() if name in cols]
        assert name in shared and owner[name] in users
        exprs.append(pl.when(pl.col("event_type").is_in(users)).then(expr).alias(name))
    return exprs
