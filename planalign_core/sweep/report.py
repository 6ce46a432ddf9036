"""``planalign sweep-report``: the spread across seeds, per scenario and year, read by DuckDB.

Each measure is first computed per run (scenario, seed, year) from the run's tables, then
summarised across the seeds: p5, p25, p50, p75, p95 (``quantile_cont``: linear interpolation
between the two nearest seeds, as numpy's default and Python's ``statistics.quantiles`` with
``method="inclusive"``) and the mean. Only finished runs are read (their marker exists: a run
cut short is never half counted); DuckDB reads their files with ``hive_partitioning = true``,
so ``scenario`` and ``seed`` come from the folder names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from planalign_core.errors import SweepError
from planalign_core.store.tables import BALANCES_TABLE, CONTRIBUTIONS_TABLE, SNAPSHOT_TABLE
from planalign_core.sweep.layout import finished_runs, part_path


@dataclass(frozen=True)
class Measure:
    """A measure's column, its title and how a value is shown."""

    name: str
    title: str
    kind: str  # "count", "rate" or "money"


MEASURES = (
    Measure("headcount", "Headcount (active at year end)", "count"),
    Measure("participation_rate", "Participation rate (enrolled / active)", "rate"),
    Measure("average_deferral_rate", "Average deferral rate (enrolled)", "rate"),
    Measure("employee_deferrals", "Employee deferrals ($)", "money"),
    Measure("employer_cost", "Employer cost: match + non-elective ($)", "money"),
    Measure("ending_balance", "Total ending balance ($)", "money"),
)
STATISTICS = ("p5", "p25", "p50", "p75", "p95", "mean")

# Per run and year; ? are the three tables' file lists.
PER_RUN_SQL = """
WITH people AS (
    SELECT scenario, seed, simulation_year AS year,
        count(*) FILTER (WHERE employment_status = 'active') AS headcount,
        count(*) FILTER (WHERE employment_status = 'active' AND is_enrolled) AS participants,
        sum(current_deferral_rate)
            FILTER (WHERE employment_status = 'active' AND is_enrolled) AS rate_sum
    FROM read_parquet(?, hive_partitioning = true)
    GROUP BY ALL
),
money AS (
    SELECT scenario, seed, simulation_year AS year,
        sum(total_deferrals) AS employee_deferrals,
        sum(employer_match + true_up + non_elective) AS employer_cost
    FROM read_parquet(?, hive_partitioning = true)
    GROUP BY ALL
),
balances AS (
    SELECT scenario, seed, simulation_year AS year, sum(ending_balance) AS ending_balance
    FROM read_parquet(?, hive_partitioning = true)
    GROUP BY ALL
)
SELECT scenario, seed, year,
    CAST(headcount AS DOUBLE) AS headcount,
    CAST(participants AS DOUBLE) / nullif(headcount, 0) AS participation_rate,
    CAST(rate_sum AS DOUBLE) / nullif(participants, 0) AS average_deferral_rate,
    CAST(coalesce(employee_deferrals, 0) AS DOUBLE) AS employee_deferrals,
    CAST(coalesce(employer_cost, 0) AS DOUBLE) AS employer_cost,
    CAST(coalesce(ending_balance, 0) AS DOUBLE) AS ending_balance
FROM people
LEFT JOIN money USING (scenario, seed, year)
LEFT JOIN balances USING (scenario, seed, year)
"""


def _spread_sql() -> str:
    """Percentiles and mean across seeds of every measure, long form."""
    names = ", ".join(m.name for m in MEASURES)
    quantiles = ", ".join(
        f"quantile_cont(value, {int(s[1:]) / 100}) AS {s}" for s in STATISTICS if s != "mean"
    )
    return f"""
SELECT scenario, year, measure, count(value) AS seeds, {quantiles}, avg(value) AS mean
FROM (UNPIVOT ({PER_RUN_SQL}) ON {names} INTO NAME measure VALUE value)
GROUP BY ALL
"""


def files(out: Path, table: str) -> list[str]:
    """``table``'s files of the finished runs of ``out``."""
    runs = finished_runs(out)
    if not runs:
        raise SweepError(f"{out}: no finished run (run 'planalign sweep --out {out}' first)")
    return [str(part_path(out, table, scenario, seed)) for scenario, seed in runs]


def per_run(out: Path) -> pl.DataFrame:
    """Every measure of every finished run and year (scenario, seed, year, measures...)."""
    tables = (SNAPSHOT_TABLE, CONTRIBUTIONS_TABLE, BALANCES_TABLE)
    with duckdb.connect() as connection:
        parameters = [files(out, table) for table in tables]
        frame: pl.DataFrame = connection.sql(f"{PER_RUN_SQL} ORDER BY ALL", params=parameters).pl()
        return frame


def spread(out: Path) -> pl.DataFrame:
    """The report: per scenario, year and measure, the seeds counted, percentiles and mean, in
    :data:`MEASURES` order."""
    if not out.is_dir():
        raise SweepError(f"{out}: no such folder")
    tables = (SNAPSHOT_TABLE, CONTRIBUTIONS_TABLE, BALANCES_TABLE)
    with duckdb.connect() as connection:
        parameters = [files(out, table) for table in tables]
        frame: pl.DataFrame = connection.sql(_spread_sql(), params=parameters).pl()
    order = {m.name: i for i, m in enumerate(MEASURES)}
    return (
        frame.with_columns(pl.col("measure").replace_strict(order).alias("_order"))
        .sort("_order", "scenario", "year")
        .drop("_order")
    )


def show(value: float | None, kind: str) -> str:
    """A value as the table shows it: counts whole, rates in percent, money in dollars."""
    if value is None:
        return ""
    if kind == "rate":
        return f"{value:.2%}"
    return f"{value:,.0f}" if kind == "money" else f"{value:,.1f}"


def markdown(report: pl.DataFrame) -> str:
    """One Markdown table per measure: a row per scenario and year."""
    kinds = {m.name: m for m in MEASURES}
    parts = []
    for measure in MEASURES:
        rows = report.filter(pl.col("measure") == measure.name)
        lines = [
            f"### {measure.title}",
            "",
            "| scenario | year | seeds | " + " | ".join(STATISTICS) + " |",
            "| --- | ---: | ---: | " + " | ".join("---:" for _ in STATISTICS) + " |",
        ]
        for row in rows.iter_rows(named=True):
            values = " | ".join(show(row[s], kinds[row["measure"]].kind) for s in STATISTICS)
            lines.append(f"| {row['scenario']} | {row['year']} | {row['seeds']} | {values} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def csv_text(report: pl.DataFrame) -> str:
    """The report as CSV, full precision (one row per scenario, year and measure)."""
    return report.write_csv()
