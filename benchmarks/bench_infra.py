"""Suite infrastructure: the memory baseline, and the keyed random draw every stage builds on.

``peakmem_reference`` is empty on purpose: its value is the process with the suite imported and
nothing run, the floor to read every other ``peakmem_`` against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from .common import CPU_TIMER, SEED, best_rate, employee_keys, require, skip_slow

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

SCENARIO_KEY = 7
YEAR = 2025
STREAM = 3
THRESHOLD_UNITS = 1_000  # 10.00 %, in the rules' basis units (1.0000 == 10_000)


def peakmem_reference() -> None:
    """Baseline for every ``peakmem_``: an empty call."""


def draw_column(keys: pl.DataFrame) -> Callable[[], pl.DataFrame]:
    """One keyed draw per row of ``keys``, computed and collected.

    Commits before ``rng.with_draw`` (the first ``draw_expr`` nested its expression 8x per mix
    step and needed minutes and gigabytes at these sizes) are skipped, not timed.
    """
    with_draw: Callable[..., pl.LazyFrame] = require("planalign_core.rng", "with_draw")
    lazy = keys.lazy()
    options = {"seed": SEED, "scenario_key": SCENARIO_KEY, "year": YEAR, "stream": STREAM}
    key = pl.col("employee_key")
    return lambda: with_draw(lazy, "draw", employee_key=key, **options).select("draw").collect()


class KeyedDraw:
    """The keyed random draw of ``planalign_core.rng`` over a column of employee keys."""

    params = [[100_000, 1_000_000, 4_000_000]]
    param_names = ["rows"]

    def setup(self, rows: int) -> None:
        skip_slow(rows > 1_000_000)
        self.draws = draw_column(employee_keys(rows))

    def time_draw(self, rows: int) -> None:
        self.draws()

    def peakmem_draw(self, rows: int) -> None:
        self.draws()

    def track_draw_throughput(self, rows: int) -> float:
        return best_rate(self.draws, rows)

    track_draw_throughput.unit = "draws/s"  # type: ignore[attr-defined]

    def track_share_below_threshold(self, rows: int) -> float:
        """Output check: the share of draws under a 10 % threshold (about 0.1 if uniform)."""
        threshold: Callable[[int], int] = require("planalign_core.rng", "threshold")
        below = self.draws().select((pl.col("draw") < threshold(THRESHOLD_UNITS)).mean())
        value: Any = below.item()
        return float(value)

    track_share_below_threshold.unit = "share"  # type: ignore[attr-defined]
