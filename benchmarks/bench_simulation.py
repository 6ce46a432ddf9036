"""Multi-year simulation (issue "Polars engine, part 1"): the full pipeline, the year step, the
deferral-rate accumulator, peak memory, and the outputs themselves.

The input is a census file (``common.census``: append-only, so every commit reads the same
workforce); a timed call is what ``planalign simulate --census FILE`` does: load and validate
the census, simulate, store every table in a DuckDB file (re-running a scenario replaces its
rows, so repeated calls do the same work).

Goals on 2 cores (read here, never asserted by tests):
- the pipeline (``Pipeline``: the money included, the weekly balance snapshots benchmarked on
  their own in ``Simulate``, ``SimulateMemory`` and ``bench_money``): 5k employees x 5 years
  <= 1 s; 100k x 5 <= 10 s and <= 2 GB peak RSS;
- the accumulator <= 0.5 s per year at 100k employees.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from . import BENCH_THREADS
from .bench_engines import ENGINES, require_engine
from .common import (
    CPU_TIMER,
    SEED,
    WALL_TIMER,
    SlowCall,
    cache_dir,
    census,
    per_process,
    require,
    skip_slow,
)

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

# The sizes of the goals (5k x 5 <= 1 s; 100k x 5 <= 10 s, <= 2 GB).
SIZES = [5_000, 100_000]
YEARS = [1, 5]
START_YEAR = 2025


def census_file(employees: int) -> Path:
    """The census getter's rows as a Parquet file, written once per machine."""
    path = cache_dir() / f"census_file-{employees}-{SEED}.parquet"
    if not path.exists():
        partial = path.with_suffix(".partial")
        census(employees).write_parquet(partial)
        partial.replace(path)
    return path


class _Pipeline:
    """Shared set-up: a census file, a scratch DuckDB file, the run function of this commit."""

    weekly = True  # store the weekly balance snapshots (what ``planalign simulate`` does)

    def setup(self, employees: int, years: int, engine: str = "polars") -> None:
        skip_slow(employees >= 100_000)
        require_engine(engine, employees)
        simulate = require("planalign_core.simulate")
        require("planalign_core.simulate", "RunSpec")
        options = {} if self.weekly else {"weekly_snapshots": False}
        if options and "weekly_snapshots" not in simulate.RunSpec.__dataclass_fields__:
            raise NotImplementedError("this commit always stores the weekly snapshots")
        self.run = simulate.run
        self.spec = simulate.RunSpec(
            years=years,
            start_year=START_YEAR,
            seed=SEED,
            census_path=census_file(employees),
            engine=engine,
            **options,
        )
        self.scratch = Path(tempfile.mkdtemp(prefix="planalign-bench-"))
        self.db = self.scratch / "bench.duckdb"

    def teardown(self, employees: int, years: int, engine: str = "polars") -> None:
        if hasattr(self, "scratch"):  # asv tears down skipped parameters too
            shutil.rmtree(self.scratch, ignore_errors=True)

    def simulate(self) -> Any:
        return self.run(self.spec, self.db, threads=BENCH_THREADS)


class Simulate(SlowCall, _Pipeline):
    """Census file -> events, snapshots, accumulator, money, metadata in DuckDB, per engine
    (the dbt engine at 5k only, see ``bench_engines``). One year is timed at 5k only: at 100k
    the five-year run is the goal, and one more 100k run would cost the suite's budget."""

    params = [SIZES, YEARS, ENGINES]
    param_names = ["employees", "years", "engine"]
    timeout = 900

    def setup(self, employees: int, years: int, engine: str = "polars") -> None:
        if employees >= 100_000 and years == 1:
            raise NotImplementedError("one year is timed at 5k employees only")
        super().setup(employees, years, engine)

    def time_simulate(self, employees: int, years: int, engine: str) -> None:
        self.simulate()


class SimulateMemory(_Pipeline):
    """Peak resident memory of the five-year Polars run (the goal: <= 2 GB at 100k x 5),
    read against ``PeakMemoryReference``."""

    params = [SIZES, [5]]
    param_names = ["employees", "years"]
    timeout = 900

    def peakmem_simulate(self, employees: int, years: int) -> None:
        self.simulate()


class Pipeline(SlowCall, _Pipeline):
    """The goals' pipeline (issue "the money"): census file -> events, snapshots, accumulator,
    contributions, balances, metadata in DuckDB, without the weekly balance snapshots, which are
    benchmarked on their own (``Simulate`` with them, ``bench_money.WeeklySnapshots``). Goals:
    <= 1 s at 5k x 5; <= 10 s and <= 2 GB at 100k x 5."""

    params = [SIZES, [5]]
    param_names = ["employees", "years"]
    timeout = 900
    weekly = False

    def time_pipeline(self, employees: int, years: int) -> None:
        self.simulate()

    def time_pipeline_wall(self, employees: int, years: int) -> None:
        """The same run on the wall clock: what CPU time cannot see (lost overlap of the
        writer and the money thread, waiting) shows here."""
        self.simulate()

    time_pipeline_wall.timer = WALL_TIMER  # type: ignore[attr-defined]

    def peakmem_pipeline(self, employees: int, years: int) -> None:
        self.simulate()


def _money_totals(database: Path) -> dict[str, int]:
    """Total deferrals and the last year's total ending balance, in cents (empty where this
    commit has no money tables)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        if not {"int_employee_contributions", "int_participant_balances"} <= tables:
            return {}
        deferrals = con.execute(
            "SELECT sum(total_deferrals) * 100 FROM int_employee_contributions"
        ).fetchone()
        ending = con.execute(
            "SELECT sum(ending_balance) * 100 FROM int_participant_balances "
            "WHERE simulation_year = ?",
            [START_YEAR + 4],
        ).fetchone()
    return {
        "total_deferrals_cents": int(deferrals[0]) if deferrals else 0,
        "total_ending_balance_cents": int(ending[0]) if ending else 0,
    }


def fixed_run_outputs(*_: object) -> dict[str, int]:
    """The key outputs of one 5k x 5 run with the fixed seed: the ``setup_cache`` of
    :class:`SimulateOutputs` and ``bench_money.MoneyOutputs`` (one function, so asv runs it
    once per commit for both). Empty where this commit cannot simulate."""
    try:
        simulate = require("planalign_core.simulate")
        require("planalign_core.simulate", "RunSpec")
    except NotImplementedError:
        return {}
    scratch = Path(tempfile.mkdtemp(prefix="planalign-bench-outputs-"))
    try:
        spec = simulate.RunSpec(
            years=5, start_year=START_YEAR, seed=SEED, census_path=census_file(5_000)
        )
        report = simulate.run(spec, scratch / "outputs.duckdb", threads=BENCH_THREADS)
        last = report.summaries[-1]
        return {
            "events": int(report.events_written),
            "final_headcount": int(last.end_headcount),
            "final_participation_bp": int(last.participation_rate * 10_000),
            **_money_totals(scratch / "outputs.duckdb"),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class SimulateOutputs:
    """What the simulation produces, so a commit that changes results shows in the history."""

    params = [[5_000], [5]]
    param_names = ["employees", "years"]
    timeout = 300
    setup_cache = fixed_run_outputs

    def setup(self, outputs: dict[str, int], employees: int, years: int) -> None:
        if not outputs:
            raise NotImplementedError("this commit cannot simulate")

    def track_events(self, outputs: dict[str, int], employees: int, years: int) -> int:
        return outputs["events"]

    track_events.unit = "events"  # type: ignore[attr-defined]

    def track_final_headcount(self, outputs: dict[str, int], employees: int, years: int) -> int:
        return outputs["final_headcount"]

    track_final_headcount.unit = "employees"  # type: ignore[attr-defined]

    def track_final_participation_bp(
        self, outputs: dict[str, int], employees: int, years: int
    ) -> int:
        """Participation at the end of the last year, in basis points."""
        return outputs["final_participation_bp"]

    track_final_participation_bp.unit = "basis points"  # type: ignore[attr-defined]


class PeakMemoryReference:
    """The interpreter with the suite imported and nothing run: the floor of ``peakmem_``."""

    def peakmem_reference(self) -> None:
        pass


@per_process
def _engine_years(employees: int, years: int) -> tuple[Any, list[Any]]:
    """Run the engine in memory for ``years`` years: its config and keys, and each year (once
    per process: asv re-runs ``setup`` before every sample)."""
    config = require("planalign_core.config", "load_config")()
    load_census = require("planalign_core.census", "load_census")
    engine = require("planalign_core.engines.polars_engine")
    keys = engine.RunKeys(SEED, "bench", config.plan_design_id, START_YEAR, years + 1)
    run = engine.run_years(load_census(census_file(employees), START_YEAR, config), config, keys)
    done = [year for year, _ in zip(run.years, range(years), strict=False)]
    return (config, keys), done


class YearStep:
    """One simulated year of the Polars engine, in memory (no DuckDB)."""

    params = [[10_000, 100_000]]
    param_names = ["employees"]
    timeout = 300
    rounds = 1
    repeat = (3, 10, 5.0)

    def setup(self, employees: int) -> None:
        skip_slow(employees >= 100_000)
        self.simulate_year = require("planalign_core.engines.polars_engine.year", "simulate_year")
        (self.config, self.keys), done = _engine_years(employees, 1)
        self.state: pl.DataFrame = done[0].result.state

    def time_year_step(self, employees: int) -> None:
        self.simulate_year(self.state, self.config, self.keys, START_YEAR + 1)


class Accumulator:
    """``int_deferral_rate_state_accumulator`` for one year: last year's rows + this year's
    events."""

    params = [[10_000, 100_000]]
    param_names = ["employees"]
    timeout = 300
    rounds = 1
    repeat = (3, 10, 5.0)

    def setup(self, employees: int) -> None:
        skip_slow(employees >= 100_000)
        self.accumulate = require("planalign_core.engines.polars_engine.accumulator", "accumulate")
        (_, self.keys), done = _engine_years(employees, 2)
        self.previous: pl.DataFrame = done[0].accumulator
        self.events: pl.DataFrame = done[1].result.events

    def time_accumulator_year(self, employees: int) -> None:
        self.accumulate(
            self.previous,
            self.events,
            year=START_YEAR + 1,
            last_year=self.keys.last_year,
            scenario_id=self.keys.scenario_id,
            plan_design_id=self.keys.plan_design_id,
        )
