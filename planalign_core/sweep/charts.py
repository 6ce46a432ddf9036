"""Fan charts of a sweep's report (matplotlib, PNG) and one self-contained HTML page of them.

A fan chart shows, per scenario, the median across seeds as a line, the p25-p75 band darker
and the p5-p95 band lighter around it, and the mean dashed. matplotlib is imported here only
(``planalign sweep-report``) and drawn through its object API on the Agg canvas: no pyplot
state, no display needed.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import polars as pl

from planalign_core.sweep.report import MEASURES, STATISTICS, Measure, show

# Colour-blind-safe (Okabe-Ito) colours, one per scenario in order; they repeat past eight.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
SIZE_INCHES = (7.0, 4.2)
DPI = 100


def fan_chart(report: pl.DataFrame, measure: Measure, path: Path) -> Path:
    """Draw ``measure``'s fan chart (every scenario) into the PNG ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = report.filter(pl.col("measure") == measure.name)
    for index, scenario in enumerate(rows["scenario"].unique(maintain_order=True)):
        colour = COLOURS[index % len(COLOURS)]
        data = rows.filter(pl.col("scenario") == scenario).sort("year")
        data = data.with_columns(pl.col(*STATISTICS).fill_null(float("nan")))
        years = data["year"].to_list()
        axes.fill_between(years, data["p5"], data["p95"], color=colour, alpha=0.15, lw=0)
        axes.fill_between(years, data["p25"], data["p75"], color=colour, alpha=0.35, lw=0)
        seeds = str(data["seeds"].max())
        axes.plot(years, data["p50"], color=colour, lw=2, label=f"{scenario} ({seeds} seeds)")
        axes.plot(years, data["mean"], color=colour, lw=1, ls="--")
    axes.set_title(f"{measure.title}: median, p25-p75, p5-p95 across seeds; mean dashed")
    axes.title.set_fontsize(9)
    axes.set_xlabel("simulation year")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: show(v, measure.kind)))
    axes.grid(alpha=0.3)
    if rows.height:
        axes.legend(loc="best", fontsize=8)
    figure.savefig(path, format="png")
    return path


def chart_name(measure: Measure) -> str:
    return f"fan_{measure.name}.png"


def draw_all(report: pl.DataFrame, folder: Path) -> list[Path]:
    """Every measure's fan chart into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [fan_chart(report, m, folder / chart_name(m)) for m in MEASURES]


def html_page(report: pl.DataFrame, charts: list[Path], title: str) -> str:
    """One HTML file holding the charts (inline PNGs) and the tables: it opens anywhere, with
    nothing beside it."""
    sections = []
    for measure, chart in zip(MEASURES, charts, strict=True):
        picture = base64.b64encode(chart.read_bytes()).decode("ascii")
        rows = report.filter(pl.col("measure") == measure.name)
        head = "".join(f"<th>{s}</th>" for s in ("scenario", "year", "seeds", *STATISTICS))
        body = "".join(
            "<tr>"
            + f"<td>{html.escape(str(r['scenario']))}</td><td>{r['year']}</td><td>{r['seeds']}</td>"
            + "".join(f"<td>{show(r[s], measure.kind)}</td>" for s in STATISTICS)
            + "</tr>"
            for r in rows.iter_rows(named=True)
        )
        sections.append(
            f"<section><h2>{html.escape(measure.title)}</h2>"
            f'<img alt="{html.escape(measure.title)}" src="data:image/png;base64,{picture}">'
            f"<table><tr>{head}</tr>{body}</table></section>"
        )
    style = (
        "body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}img{max-width:100%}"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        + "".join(sections)
        + "</body></html>\n"
    )
