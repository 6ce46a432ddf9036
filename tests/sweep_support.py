"""Shared by the sweep tests: a sweep run in-process (no Dask: the reference the clusters'
outputs must equal) and a reader of every table of a sweep folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from planalign_core.sweep import layout
from planalign_core.sweep.manifest import reconcile
from planalign_core.sweep.plan import Scenario, SweepPlan, check, job, make_plan
from planalign_core.sweep.task import run_pair

REPO = Path(__file__).resolve().parents[1]
GROWTH = Scenario("growth", (REPO / "examples" / "scenario.toml").resolve())
DEFAULT = Scenario("default", None)


def small_plan(seeds: tuple[int, ...], *, employees: int = 200, years: int = 2) -> SweepPlan:
    """Two scenarios (the packaged defaults and examples/scenario.toml) on a synthetic census."""
    return make_plan(
        seeds, [DEFAULT, GROWTH], years=years, start_year=2025, employees=employees,
        census_path=None,
    )  # fmt: skip


def serial_sweep(plan: SweepPlan, out: Path) -> None:
    """Every pair of ``plan`` run one after the other in this process (the task function
    itself, as a worker calls it)."""
    manifest = reconcile(out, check(plan))
    scenarios = {s.name: s for s in plan.scenarios}
    for name, seed in plan.pairs:
        run_pair(job(plan, manifest, out, scenarios[name], seed))


def read_sweep(out: Path, seeds: tuple[int, ...] | None = None) -> dict[str, pl.DataFrame]:
    """Every table of every finished pair (of ``seeds`` only, when given), in a stable order
    (all rows, all columns but the run's wall times and memory: ``run_metadata``'s volatile
    columns)."""
    runs = [(s, n) for s, n in layout.finished_runs(out) if seeds is None or n in seeds]
    tables = {}
    with duckdb.connect() as connection:
        for table in layout.TABLES:
            files = [str(layout.part_path(out, table, s, n)) for s, n in runs]
            drop = VOLATILE.get(table, ())
            exclude = f"EXCLUDE ({', '.join(drop)})" if drop else ""
            tables[table] = connection.sql(
                f"SELECT * {exclude} FROM read_parquet(?, hive_partitioning = true) ORDER BY ALL",
                params=[files],
            ).pl()
    return tables


# run_metadata columns that differ between two runs of the same inputs (clock and memory)
VOLATILE = {"run_metadata": ("started_at", "wall_seconds", "timings", "peak_rss_bytes")}


def differing(first: dict[str, pl.DataFrame], second: dict[str, pl.DataFrame]) -> list[str]:
    """The tables whose rows differ (an empty list: identical)."""
    return [t for t in first if t not in second or not first[t].equals(second[t])]


def leftovers(out: Path) -> list[Path]:
    """Temporary files left in a sweep folder (none after a sweep that completed)."""
    return sorted(out.rglob(f"*{layout.TEMPORARY}*"))
