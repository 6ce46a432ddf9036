"""A run's inputs: what the user asked for (:class:`RunSpec`), and the configuration, run keys
and census it names, each checked before anything is computed or written. ``simulate`` runs
them; a sweep plans and runs many, from the same checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from planalign_core.census import load_census, synthesize_census
from planalign_core.config import IRS_LIMIT_KEYS, Config, load_config
from planalign_core.engines import ENGINE_NAMES
from planalign_core.engines.contract import HIRE_KEY_BASE, RunKeys
from planalign_core.errors import ConfigError
from planalign_core.events.types import IDENTIFIER_MAX_LENGTH, MAX_YEAR, MIN_YEAR
from planalign_core.rules.bounds import MAX_PAY_CENTS, MAX_PAY_DOLLARS
from planalign_core.rules.headcount import hire_counts
from planalign_core.rules.limits import year_limits

DEFAULT_EMPLOYEES = 1000
MAX_YEARS = 100
# A run also reads the year before its first (the census date, the baseline's enrollment
# year, the first look-back): an event's year too (rules, "Bounds").
FIRST_START_YEAR = MIN_YEAR + 1


@dataclass(frozen=True)
class RunSpec:
    """What the user asked for."""

    years: int
    start_year: int
    seed: int
    scenario_id: str = "default"
    employees: int | None = None
    census_path: Path | None = None
    config_path: Path | None = None
    engine: str = "polars"
    weekly_snapshots: bool = True


def check_spec(spec: RunSpec) -> None:
    """Argument errors, named, before anything is read or written."""
    if spec.engine not in ENGINE_NAMES:
        raise ConfigError(f"--engine: unknown engine {spec.engine!r} (known: {ENGINE_NAMES})")
    if not 1 <= spec.years <= MAX_YEARS:
        raise ConfigError(f"--years: must be in 1..{MAX_YEARS}, got {spec.years}")
    if not FIRST_START_YEAR <= spec.start_year <= MAX_YEAR:
        raise ConfigError(
            f"--start-year: must be in {FIRST_START_YEAR}..{MAX_YEAR}, got {spec.start_year}"
        )
    if spec.start_year + spec.years - 1 > MAX_YEAR:
        raise ConfigError(
            f"--start-year {spec.start_year} --years {spec.years}: the run would end in "
            f"{spec.start_year + spec.years - 1}, after {MAX_YEAR}, the last simulation_year "
            "an event may carry"
        )
    if not 0 <= spec.seed < 1 << 64:
        raise ConfigError(f"--seed: must be in 0..2**64-1, got {spec.seed}")
    if not spec.scenario_id:
        raise ConfigError("--scenario: must not be empty")
    if len(spec.scenario_id) > IDENTIFIER_MAX_LENGTH:
        raise ConfigError(
            f"--scenario: {len(spec.scenario_id)} characters, more than an event's "
            f"scenario_id may hold ({IDENTIFIER_MAX_LENGTH})"
        )
    if spec.census_path is not None and spec.employees is not None:
        raise ConfigError(
            "--employees and --census exclude each other: the census is the workforce"
        )


def load_inputs(spec: RunSpec) -> tuple[Config, RunKeys, pl.DataFrame, str]:
    """Configuration, run keys and census, all validated (nothing is written here)."""
    check_spec(spec)
    config = load_config(spec.config_path)
    keys = RunKeys(spec.seed, spec.scenario_id, config.plan_design_id, spec.start_year, spec.years)
    where = "packaged defaults" if spec.config_path is None else str(spec.config_path)
    check_limits(config, keys, where)
    if spec.census_path is not None:
        census = load_census(spec.census_path, spec.start_year, config)
        source = str(spec.census_path)
    else:
        employees = DEFAULT_EMPLOYEES if spec.employees is None else spec.employees
        census = synthesize_census(employees, spec.seed, spec.start_year, config)
        source = f"synthetic({employees})"
    check_growth(census["termination_date"].null_count(), config, keys, where)
    return config, keys, census, source


def check_limits(config: Config, keys: RunKeys, where: str = "packaged defaults") -> None:
    """Refuse a run whose projected IRS limits reach the bound of a pay (rules, "Bounds"): a
    high ``limits.index_rate`` over many years compounds past it, and the limits are compared
    with and multiplied like pay."""
    for year in range(keys.start_year - 1, keys.last_year + 1):
        limits = year_limits(config, year).as_dict()
        over = [key for key in IRS_LIMIT_KEYS if int(limits[key]) > MAX_PAY_CENTS]
        if over:
            raise ConfigError(
                f"limits.index_rate {config.limits.index_rate} ({where}): {over[0]} is projected "
                f"to ${int(limits[over[0]]) // 100:,} in {year}, past the ${MAX_PAY_DOLLARS:,} "
                "bound of any pay or limit; lower limits.index_rate or end the run sooner"
            )


def check_growth(
    active: int, config: Config, keys: RunKeys, where: str = "packaged defaults"
) -> None:
    """Refuse, before any year is computed, a run whose hires must outgrow the new-hire keys
    (``HIRE_KEY_BASE`` a year). While the workforce grows, each year ends at the rules' target,
    whatever the draws, and no termination means the fewest hires: so if those overflow, the
    run would, after hours of the years before (``growth_rate`` 10 over 10 years)."""
    headcount = active
    for year in range(keys.start_year, keys.last_year + 1):
        hires, leavers = hire_counts(headcount, 0, config)
        if hires >= HIRE_KEY_BASE:
            raise ConfigError(
                f"growth_rate {config.growth_rate} ({where}): the {active:,} active employees "
                f"grow to {headcount:,} by {year}, whose {hires:,} hires or more exceed the "
                f"{HIRE_KEY_BASE - 1:,} new-hire keys of a year; lower growth_rate or --years"
            )
        headcount += hires - leavers
