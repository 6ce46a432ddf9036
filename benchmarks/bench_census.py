"""Loading a census file (rules, "Loading a census file"): a users' CSV or Parquet census read,
checked (every row and column, with the CSV's field counts and blank lines) and normalised by
``planalign_core.census.load_census``, as ``planalign simulate --census FILE`` does first.

The files are the census getter's rows (``runs.census_file``, ``runs.census_csv``), written once
per machine, so every commit reads the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import CPU_TIMER, require
from .runs import START_YEAR, census_csv, census_file

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

FILES: dict[str, Callable[[int], Path]] = {"csv": census_csv, "parquet": census_file}


class CensusLoad:
    """One census file loaded, checked and normalised."""

    params = [list(FILES), [10_000, 100_000]]
    param_names = ["format", "employees"]

    def setup(self, fmt: str, employees: int) -> None:
        self.path = FILES[fmt](employees)
        self.config = require("planalign_core.config", "load_config")()
        self.load: Callable[..., Any] = require("planalign_core.census", "load_census")

    def time_load_census(self, fmt: str, employees: int) -> None:
        self.load(self.path, START_YEAR, self.config)

    def peakmem_load_census(self, fmt: str, employees: int) -> None:
        self.load(self.path, START_YEAR, self.config)

    def track_rows_loaded(self, fmt: str, employees: int) -> int:
        """Output check: every row of the file is a row of the census (no row dropped)."""
        return int(self.load(self.path, START_YEAR, self.config).height)

    track_rows_loaded.unit = "rows"  # type: ignore[attr-defined]
