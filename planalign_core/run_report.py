"""What a run reports: the figures of the CLI's summary table, the seconds by stage, and its
``run_metadata`` row (inputs, versions, wall time, peak memory)."""

from __future__ import annotations

import json
import platform
import resource
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import duckdb
import polars as pl
import psutil

import planalign_core
from planalign_core.config import Config, config_hash, config_json
from planalign_core.engines.contract import RunKeys, Stage, YearOutput
from planalign_core.rng import RATE_SCALE
from planalign_core.rules.limits import year_limits
from planalign_core.store.tables import EVENTS_TABLE, SNAPSHOT_TABLE


@dataclass(frozen=True)
class YearSummary:
    """The figures of the CLI's summary table for one year."""

    year: int
    start_headcount: int
    hires: int
    terminations: int
    end_headcount: int
    participants: int
    deferral_units_total: int

    @property
    def participation_rate(self) -> Decimal:
        return Decimal(self.participants) / Decimal(self.end_headcount or 1)

    @property
    def average_deferral(self) -> Decimal:
        return Decimal(self.deferral_units_total) / Decimal(RATE_SCALE * (self.participants or 1))


@dataclass
class RunReport:
    """What a finished run did."""

    keys: RunKeys
    config_hash: str
    census_source: str
    census_employees: int
    summaries: list[YearSummary] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    events_written: int = 0
    peak_rss_bytes: int = 0
    wall_seconds: float = 0.0
    config_json: str = ""
    irs_limits_estimated: bool = False


def peak_rss_bytes() -> int:
    """The process's peak resident memory: the kernel's high-water mark where the platform has
    one, never less than psutil's current reading."""
    current = int(psutil.Process().memory_info().rss)
    peak = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    peak *= 1 if platform.system() == "Darwin" else 1024  # Linux reports KiB
    return max(current, peak)


def summarise(result: YearOutput) -> YearSummary:
    """Summary figures from the year's snapshot rows."""
    active = result.frames[SNAPSHOT_TABLE].filter(pl.col("employment_status") == "active")
    enrolled = active.filter(pl.col("is_enrolled"))
    total_units = enrolled.select(
        (pl.col("current_deferral_rate") * RATE_SCALE).cast(pl.Int64).sum()
    )
    return YearSummary(
        year=result.year,
        start_headcount=result.counts.start_headcount,
        hires=result.counts.hires,
        terminations=result.counts.experienced_terminations + result.counts.new_hire_terminations,
        end_headcount=active.height,
        participants=enrolled.height,
        deferral_units_total=int(total_units.item() or 0),
    )


def new_report(config: Config, keys: RunKeys, census: pl.DataFrame, source: str) -> RunReport:
    """A run's report before anything ran: what ``run_metadata`` records of its inputs."""
    report = RunReport(keys, config_hash(config), source, census.height)
    report.config_json = config_json(config)
    report.irs_limits_estimated = any(
        year_limits(config, y).estimated for y in range(keys.start_year - 1, keys.last_year + 1)
    )
    return report


def metadata_frame(report: RunReport, engine: str, started: datetime) -> pl.DataFrame:
    """The run's ``run_metadata`` row (also what ``planalign dbt-inputs`` records)."""
    keys = report.keys
    return pl.DataFrame(
        {
            "scenario_id": [keys.scenario_id],
            "plan_design_id": [keys.plan_design_id],
            "engine": [engine],
            "seed": pl.Series([keys.seed], dtype=pl.UInt64),
            "start_year": pl.Series([keys.start_year], dtype=pl.Int32),
            "years": pl.Series([keys.years], dtype=pl.Int32),
            "census_source": [report.census_source],
            "census_employees": pl.Series([report.census_employees], dtype=pl.Int64),
            "config_hash": [report.config_hash],
            "package_version": [planalign_core.__version__],
            "polars_version": [pl.__version__],
            "duckdb_version": [duckdb.__version__],
            "started_at": pl.Series([started.replace(tzinfo=None)], dtype=pl.Datetime("us")),
            # from text: a Python Decimal makes Polars import numpy (polars_engine.params)
            "wall_seconds": pl.Series([f"{report.wall_seconds:.6f}"]).cast(pl.Decimal(18, 6)),
            "timings": [json.dumps(report.timings, sort_keys=True)],
            "events_written": pl.Series([report.events_written], dtype=pl.Int64),
            "peak_rss_bytes": pl.Series([report.peak_rss_bytes], dtype=pl.Int64),
            "config_json": [report.config_json],
            "irs_limits_estimated": [report.irs_limits_estimated],
        }
    )


def record_year(report: RunReport, year: YearOutput) -> None:
    """The year's events and its engine's seconds by stage in ``report`` (the weekly
    snapshots' seconds are recorded by whoever stores them, with what storing took)."""
    report.events_written += year.frames[EVENTS_TABLE].height
    for stage, seconds in year.seconds.items():
        if stage is not Stage.WEEKLY:
            report.timings[f"{stage}_{year.year}"] = seconds
