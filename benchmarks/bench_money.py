"""Money (issue "Polars engine, part 2: the money"): the money stages of one year alone, the
weekly balance snapshots on their own, a participant's point-in-time lookup, history
reconstruction, and the money outputs of a fixed run.

Goals on 2 cores (read here, never asserted by tests):
- the full pipeline with the money (``bench_simulation.Simulate``) <= 1 s at 5k x 5 and <= 10 s,
  <= 2 GB at 100k x 5;
- a participant's balance lookup <= 10 ms (the users' target: < 100 ms);
- a participant's history reconstruction: the users' target <= 5 s.
Commits without the money modules skip every benchmark here (``NotImplementedError``).
"""

from __future__ import annotations

import atexit
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from . import BENCH_THREADS
from .bench_simulation import START_YEAR, census_file, fixed_run_outputs
from .common import CPU_TIMER, SEED, SlowCall, per_process, require, skip_slow

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

SCENARIO = "bench"
LOOKUP_DATE = dt.date(START_YEAR + 2, 6, 30)


@per_process
def _engine_years(employees: int, years: int, weekly: bool) -> tuple[Any, Any, list[Any]]:
    """The engine's years in memory: config, keys and each year (with its money); once per
    process (asv re-runs ``setup`` before every sample)."""
    require("planalign_core.engines.polars_engine.money", "money_year")
    config = require("planalign_core.config", "load_config")()
    load_census = require("planalign_core.census", "load_census")
    engine = require("planalign_core.engines.polars_engine")
    keys = engine.RunKeys(SEED, SCENARIO, config.plan_design_id, START_YEAR, years)
    run = engine.run_years(
        load_census(census_file(employees), START_YEAR, config), config, keys, weekly=weekly
    )
    return config, keys, list(run.years)


@per_process
def _second_year(employees: int) -> tuple[Any, Any, Any, Any, Any]:
    """The inputs of the second year's money stage: config, keys, the year's frame, its
    events and the money state after the first year."""
    year_module = require("planalign_core.engines.polars_engine.year")
    events = require("planalign_core.engines.polars_engine.events", "year_events")
    config, keys, done = _engine_years(employees, 1, weekly=False)
    state = done[0].result.state
    frame = year_module.year_frame(state, config, keys, START_YEAR + 1)
    return (
        config,
        keys,
        frame,
        events(frame, config, keys, START_YEAR + 1),
        done[0].result.money.state,
    )


class MoneyStage:
    """Rules, "Money", for one year alone: segments, caps, employer money, vesting, balances,
    HCE, the money events and the two money tables (the year step's workforce part is done in
    set-up)."""

    params = [[10_000, 100_000]]
    param_names = ["employees"]
    timeout = 600
    rounds = 1
    repeat = (3, 10, 5.0)

    def setup(self, employees: int) -> None:
        skip_slow(employees >= 100_000)
        self.money_year = require("planalign_core.engines.polars_engine.money", "money_year")
        self.config, self.keys, self.frame, self.events, self.money_state = _second_year(employees)
        self.year = START_YEAR + 1

    def time_money_year(self, employees: int) -> None:
        self.money_year(
            self.frame,
            self.events,
            self.money_state,
            config=self.config,
            keys=self.keys,
            year=self.year,
        )


class _FiveYearsOfMoney:
    """Set-up shared by the weekly-snapshot benchmarks: each year's money of a 5-year run, in
    memory (the money stages done once per process)."""

    def setup(self, employees: int) -> None:
        skip_slow(employees >= 100_000)
        self.weekly = require(
            "planalign_core.engines.polars_engine.money.weekly", "weekly_snapshots"
        )
        self.config, self.keys, done = _engine_years(employees, 5, weekly=False)
        self.money = [year.result.money for year in done]


class WeeklySnapshots(SlowCall, _FiveYearsOfMoney):
    """``fct_participant_balance_snapshots`` on their own: every year of a 5-year run (the
    money stages done in set-up), in memory."""

    params = [[10_000, 100_000]]
    param_names = ["employees"]
    timeout = 900

    def time_weekly_snapshots(self, employees: int) -> None:
        for money in self.money:
            self.weekly(money, self.config, self.keys)


class WeeklyRows(_FiveYearsOfMoney):
    """How many snapshot rows the five years make (an output figure; at 10k, where computing
    them again costs a second, not the 100k run's ten)."""

    params = [[10_000]]
    param_names = ["employees"]
    timeout = 600

    def track_weekly_rows(self, employees: int) -> int:
        return sum(self.weekly(m, self.config, self.keys).height for m in self.money)

    track_weekly_rows.unit = "rows"  # type: ignore[attr-defined]


@per_process
def _open_run(path: str) -> tuple[Any, str]:
    """The stored run's database, held open for the benchmark process (as a service holds it;
    asv re-runs ``setup`` before every sample, and a connection opened per sample would time
    DuckDB's first, cold query after opening the file), and a participant present all five
    years: the census's first employee still employed at the end."""
    db = require("planalign_core.store", "Database")(path, threads=BENCH_THREADS)
    atexit.register(db.close)
    employee = db.scalar(
        "SELECT employee_id FROM fct_participant_balance_snapshots "
        "WHERE simulation_year = ? AND snapshot_type = 'year_end' "
        "ORDER BY employee_id LIMIT 1",
        [START_YEAR + 4],
    )
    return db, str(employee)


class _StoredRun:
    """A stored 5-year run with the weekly snapshots (built once per commit by
    ``setup_cache``); the lookup and the reconstruction read it."""

    params = [[10_000, 100_000]]
    param_names = ["employees"]
    timeout = 1800

    def setup_cache(self) -> dict[int, str]:
        simulate = require("planalign_core.simulate")
        require("planalign_core.store.lookup", "balance_on")
        folder = Path(tempfile.mkdtemp(prefix="planalign-bench-money-"))
        paths = {}
        for employees in self.params[0]:
            try:
                skip_slow(employees >= 100_000)
            except NotImplementedError:
                continue
            path = folder / f"money-{employees}.duckdb"
            spec = simulate.RunSpec(
                years=5,
                start_year=START_YEAR,
                seed=SEED,
                scenario_id=SCENARIO,
                census_path=census_file(employees),
            )
            simulate.run(spec, path, threads=BENCH_THREADS)
            paths[employees] = str(path)
        return paths

    def setup(self, paths: dict[int, str], employees: int) -> None:
        if employees not in paths:
            raise NotImplementedError("slow parameters are skipped")
        self.db, self.employee = _open_run(paths[employees])


class BalanceLookup(_StoredRun):
    """A participant's balance on a date: one parameterised query on the snapshots."""

    def setup(self, paths: dict[int, str], employees: int) -> None:
        super().setup(paths, employees)
        self.balance_on = require("planalign_core.store.lookup", "balance_on")

    def time_balance_lookup(self, paths: dict[int, str], employees: int) -> None:
        self.balance_on(self.db, self.employee, LOOKUP_DATE, SCENARIO)


class HistoryReconstruction(_StoredRun):
    """A participant's five-year history rebuilt from its events, and its state on a date."""

    def setup(self, paths: dict[int, str], employees: int) -> None:
        super().setup(paths, employees)
        self.load_history = require("planalign_core.history", "load_history")

    def time_history(self, paths: dict[int, str], employees: int) -> None:
        self.load_history(self.db, self.employee, SCENARIO).state_as_of(LOOKUP_DATE)


class MoneyOutputs:
    """The money a fixed run produces (5k x 5, seed fixed; the run of
    ``bench_simulation.fixed_run_outputs``): a commit that changes results shows in the
    history."""

    timeout = 300
    setup_cache = fixed_run_outputs

    def setup(self, outputs: dict[str, int]) -> None:
        if "total_deferrals_cents" not in outputs:
            raise NotImplementedError("this commit has no money tables")

    def track_total_deferrals_cents(self, outputs: dict[str, int]) -> int:
        return outputs["total_deferrals_cents"]

    track_total_deferrals_cents.unit = "cents"  # type: ignore[attr-defined]

    def track_total_ending_balance_cents(self, outputs: dict[str, int]) -> int:
        """Every source's ending balance in the last year."""
        return outputs["total_ending_balance_cents"]

    track_total_ending_balance_cents.unit = "cents"  # type: ignore[attr-defined]
