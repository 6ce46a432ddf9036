"""The SQL engine's inputs, written by the package into the database the dbt project reads.

The dbt project (``dbt/``) types none of the rules' numbers: before a build the package writes,
into the schema :data:`INPUT_SCHEMA`, the census, the effective configuration (every rate in
integer basis units), the run's parameters and the constants of the random-draw function and of
event identity. The project declares these tables as its sources. Each table is derived here
from the validated :class:`~planalign_core.config.Config` by walking its fields, so a new
configuration key reaches SQL without a second list of keys to keep in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, get_args

import polars as pl
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from planalign_core import rng
from planalign_core.config import Config, Rate, units
from planalign_core.engines.contract import HIRE_KEY_BASE, RunKeys
from planalign_core.events import identity
from planalign_core.events.columnar import EVENT_TYPE_CODES
from planalign_core.rules.bounds import MAX_BALANCE_CENTS, MAX_PAY_CENTS
from planalign_core.store import Database
from planalign_core.store.snapshots import view_sql
from planalign_core.store.tables import CLOSINGS_TABLE, SEGMENTS_TABLE, SNAPSHOTS_VIEW

INPUT_SCHEMA = "planalign_inputs"
_RATE_CHECK = get_args(Rate)[2]  # the "at most 4 places" validator every rate field carries
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


# The SQL engine's ``run_parameters`` are the run keys of the engine contract.
RunParameters = RunKeys


def _is_rate(info: FieldInfo) -> bool:
    return any(item is _RATE_CHECK for item in info.metadata)


def _sql_value(path: str, value: object, info: FieldInfo) -> tuple[int | None, str | None]:
    """A scalar key as (int_value, text_value): rates in units, month-days as MMDD."""
    if isinstance(value, bool):
        return int(value), str(value).lower()
    if isinstance(value, int):
        return value, None
    if isinstance(value, Decimal):
        if not _is_rate(info):
            raise TypeError(f"{path}: a decimal that is not a rate has no SQL form yet")
        return units(value), None
    if isinstance(value, str):
        month_day = _MONTH_DAY.match(value)
        if month_day:
            return 100 * int(month_day[1]) + int(month_day[2]), value
        return None, value
    raise TypeError(f"{path}: no SQL form for {type(value).__name__}")


def _walk(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, object, FieldInfo]]:
    """(key path, value, field) for every field, nested models flattened."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _walk(value, f"{path}.")
        else:
            yield path, value, info


def config_scalars(config: Config) -> pl.DataFrame:
    """Every scalar key as one row: ``key``, ``int_value``, ``text_value``."""
    rows = [
        (path, *_sql_value(path, value, info))
        for path, value, info in _walk(config)
        if not isinstance(value, list)
    ]
    return pl.DataFrame(
        rows,
        schema={"key": pl.String(), "int_value": pl.Int64(), "text_value": pl.String()},
        orient="row",
    )


def _array_frame(path: str, entries: list[Any], info: FieldInfo) -> pl.DataFrame:
    """An array of tables; its columns come from the entry model, so an empty array (no match
    tiers, say) is still a table with every column."""
    (entry_model,) = get_args(info.annotation)
    names = ["entry", *entry_model.model_fields]
    columns: dict[str, list[int | None]] = {name: [] for name in names}
    columns["entry"] = list(range(1, len(entries) + 1))
    for entry in entries:
        for name, value, field_info in _walk(entry):
            number, _ = _sql_value(f"{path}.{name}", value, field_info)
            columns[name].append(number)
    return pl.DataFrame(columns, schema={name: pl.Int64() for name in columns})


def config_arrays(config: Config) -> dict[str, pl.DataFrame]:
    """Each array of tables as ``config_<last key>``, entries numbered from 1 in order."""
    tables: dict[str, pl.DataFrame] = {}
    for path, value, info in _walk(config):
        if isinstance(value, list):
            name = "config_" + path.rsplit(".", 1)[-1]
            if name in tables:
                raise ValueError(f"two configuration arrays map to the table {name}")
            tables[name] = _array_frame(path, value, info)
    return tables


def rng_constants() -> pl.DataFrame:
    """The constants of the draw (``planalign_core.rng``), of event ids and of a run's bounds
    (``planalign_core.rules.bounds``), one row."""
    values = {
        "mask32": rng.MASK32,
        "mix_multiplier_1": rng.MIX_MULTIPLIER_1,
        "mix_multiplier_2": rng.MIX_MULTIPLIER_2,
        "two_pow_32": rng.TWO_POW_32,
        "rate_scale": rng.RATE_SCALE,
        "uuid_version_mask": identity.VERSION_MASK,
        "uuid_version_bits": identity.VERSION_BITS,
        "uuid_variant_bits": identity.VARIANT_BITS,
        "new_hire_key_base": HIRE_KEY_BASE,
        "max_pay_cents": MAX_PAY_CENTS,
        "max_balance_cents": MAX_BALANCE_CENTS,
    }
    return pl.DataFrame(
        {name: [value] for name, value in values.items()},
        schema={name: pl.UInt64() for name in values},
    )


def event_types() -> pl.DataFrame:
    """Event type names and codes (the within-day order and a part of every event id)."""
    return pl.DataFrame(
        {"event_type": list(EVENT_TYPE_CODES), "type_code": list(EVENT_TYPE_CODES.values())},
        schema={"event_type": pl.String(), "type_code": pl.Int32()},
    )


def run_parameters(run: RunParameters) -> pl.DataFrame:
    """The run's one row (the scenario key is computed here once, rules "Scenario key")."""
    return pl.DataFrame(
        {
            "scenario_id": [run.scenario_id],
            "plan_design_id": [run.plan_design_id],
            "seed": [run.seed],
            "scenario_key": [run.scenario_key],
            "start_year": [run.start_year],
            "years": [run.years],
        },
        schema={
            "scenario_id": pl.String(),
            "plan_design_id": pl.String(),
            "seed": pl.UInt64(),
            "scenario_key": pl.UInt64(),
            "start_year": pl.Int32(),
            "years": pl.Int32(),
        },
    )


CENSUS_COLUMNS = (
    "employee_id",
    "birth_date",
    "hire_date",
    "termination_date",
    "job_level",
    "compensation_cents",
    "deferral_units",
)


def input_tables(
    config: Config, census: pl.DataFrame, run: RunParameters
) -> dict[str, pl.DataFrame]:
    """Every source table of the dbt project, by name."""
    missing = [c for c in CENSUS_COLUMNS if c not in census.columns]
    if missing:
        raise ValueError(f"census frame lacks columns {missing}")
    if run.plan_design_id != config.plan_design_id:
        raise ValueError(
            f"run plan_design_id {run.plan_design_id!r} differs from the configuration's "
            f"{config.plan_design_id!r}"
        )
    return {
        "run_parameters": run_parameters(run),
        "census": census.select(CENSUS_COLUMNS),
        "config_scalars": config_scalars(config),
        **config_arrays(config),
        "event_types": event_types(),
        "rng_constants": rng_constants(),
    }


# run_metadata columns no process measures when dbt builds by hand: null, not made up;
# events_written is counted by the build's on-run-end hook.
UNMEASURED = ("wall_seconds", "timings", "events_written", "peak_rss_bytes")


def output_views() -> pl.DataFrame:
    """The package's views over the output tables, one row each: its name, its statement and the
    tables it reads (comma-separated). The on-run-end hook of a hand build creates each one
    whose tables exist (dbt/macros/finish.sql): the SQL stays the package's, written once."""
    return pl.DataFrame(
        {
            "name": [SNAPSHOTS_VIEW],
            "sql": [view_sql()],
            "reads": [f"{SEGMENTS_TABLE},{CLOSINGS_TABLE}"],
        }
    )


def hand_build_tables(metadata: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """What a build by hand needs besides :func:`input_tables` to leave a file that
    ``planalign history`` reads: the ``run_metadata`` row (its unmeasured figures null) and
    :func:`output_views`. ``planalign simulate`` writes neither: it stores its own."""
    if metadata.height != 1:
        raise ValueError(f"run_metadata must be one row, got {metadata.height}")
    nulls = [pl.lit(None, dtype=metadata.schema[name]).alias(name) for name in UNMEASURED]
    return {"run_metadata": metadata.with_columns(nulls), "output_views": output_views()}


def write_inputs(db: Database, tables: Mapping[str, pl.DataFrame]) -> None:
    """(Re)create the input schema's tables from frames, all or nothing."""
    with db.transaction():
        db.execute(f'CREATE SCHEMA IF NOT EXISTS "{INPUT_SCHEMA}"')
        for name, frame in tables.items():
            table = f'"{INPUT_SCHEMA}"."{name}"'
            db.over_frame(frame, f"CREATE OR REPLACE TABLE {table} AS FROM {{frame}}")
