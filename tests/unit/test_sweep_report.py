"""``planalign sweep-report``: the DuckDB query's percentiles equal those computed here from the
Parquet files with Polars and Python's ``statistics`` (independently of the SQL); the tables,
CSV and fan charts are written; only finished runs are read."""

from __future__ import annotations

import statistics
import struct
from pathlib import Path

import polars as pl
import pytest

from planalign_core.cli import main
from planalign_core.errors import SweepError
from planalign_core.sweep import charts, layout, report
from tests.e2e.test_asv_history import read_png
from tests.sweep_support import serial_sweep, small_plan

SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "out"
    serial_sweep(small_plan(SEEDS, employees=120, years=2), out)
    return out


def _read(out: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"table={table}" / "**" / "*.parquet", hive_partitioning=True)


def measures_here(out: Path) -> dict[tuple[str, int, str], list[float]]:
    """(scenario, year, measure) -> the value of each seed, from the files, in Polars."""
    key = ["scenario_id", "seed", "simulation_year"]
    active = pl.col("employment_status") == "active"
    enrolled = active & pl.col("is_enrolled")
    people = _read(out, "fct_workforce_snapshot").group_by(key).agg(
        active.sum().alias("headcount"),
        (enrolled.sum() / active.sum()).alias("participation_rate"),
        pl.col("current_deferral_rate").filter(enrolled).cast(pl.Float64).mean()
        .alias("average_deferral_rate"),
    )  # fmt: skip
    money = _read(out, "int_employee_contributions").group_by(key).agg(
        pl.col("total_deferrals").sum().alias("employee_deferrals"),
        (pl.col("employer_match") + pl.col("true_up") + pl.col("non_elective")).sum()
        .alias("employer_cost"),
    )  # fmt: skip
    balances = (
        _read(out, "int_participant_balances")
        .group_by(key)
        .agg(pl.col("ending_balance").sum().alias("ending_balance"))
    )
    runs = people.join(money, on=key).join(balances, on=key)
    values: dict[tuple[str, int, str], list[float]] = {}
    for row in runs.iter_rows(named=True):
        for measure in report.MEASURES:
            place = (row["scenario_id"], row["simulation_year"], measure.name)
            value = row[measure.name]
            values.setdefault(place, []).append(float(value))
    return values


def test_percentiles_and_means_across_seeds(sweep: Path) -> None:
    spread = report.spread(sweep)
    expected = measures_here(sweep)
    assert spread.height == len(expected) == 2 * 2 * len(report.MEASURES)
    for row in spread.iter_rows(named=True):
        values = expected[(row["scenario"], row["year"], row["measure"])]
        assert row["seeds"] == len(values) == len(SEEDS)
        cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5 %, 10 %, ... 95 %
        for name, cut in (("p5", cuts[0]), ("p25", cuts[4]), ("p50", cuts[9]),
                          ("p75", cuts[14]), ("p95", cuts[18])):  # fmt: skip
            assert row[name] == pytest.approx(cut, rel=1e-12), (row["measure"], name)
        assert row["mean"] == pytest.approx(statistics.fmean(values), rel=1e-12)
    money = spread.filter(pl.col("measure") == "ending_balance")
    assert (money["p95"] > money["p5"]).all()  # seeds differ: a spread, not one value


def test_only_finished_runs_are_read(sweep: Path, tmp_path: Path) -> None:
    partial = tmp_path / "out"
    serial_sweep(small_plan((1, 2), employees=120, years=2), partial)
    layout.done_path(partial, "growth", 2).unlink()  # as if its run had been cut short
    counts = report.spread(partial).group_by("scenario").agg(pl.col("seeds").max())
    assert dict(counts.iter_rows()) == {"default": 2, "growth": 1}
    with pytest.raises(SweepError, match="no finished run"):
        report.spread(tmp_path)
    with pytest.raises(SweepError, match="no such folder"):
        report.spread(tmp_path / "missing")


def blue_pixels(path: Path) -> int:
    """Pixels of the first scenario's colour, pure or blended with white."""
    _width, _height, rows = read_png(path)
    return sum(
        1 for row in rows for x in range(0, len(row), 3)
        if row[x + 2] > 170 and row[x + 2] - row[x] > 35
    )  # fmt: skip


def test_the_command_writes_tables_and_fan_charts(
    sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report"
    assert main(["sweep-report", str(sweep), "--out", str(target)]) == 0
    printed = capsys.readouterr().out
    for measure in report.MEASURES:
        assert f"### {measure.title}" in printed
        png = (target / f"fan_{measure.name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[16:24] == struct.pack(">II", 700, 420)
    # one chart decoded: the first scenario's bands (#0072B2 over white at 15 % and 35 %) are
    # drawn; the same chart of no run has none of them
    empty = charts.fan_chart(report.spread(sweep).clear(), report.MEASURES[-1], tmp_path / "e.png")
    drawn, control = blue_pixels(target / "fan_ending_balance.png"), blue_pixels(empty)
    assert drawn > 5000 and control < 50, (drawn, control)
    frame = pl.read_csv(target / "summary.csv")
    assert frame.columns == report.spread(sweep).columns
    assert frame.height == report.spread(sweep).height
    assert (target / "summary.md").read_text() + "\n" in printed + "\n"
    assert (target / "report.html").read_text().count("data:image/png;base64,") == 6
