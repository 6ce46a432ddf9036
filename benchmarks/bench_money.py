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
from typing import Any

from . import BENCH_THREADS, run_folders
from .common import CPU_TIMER, WarmCall, per_process, require, skip_slow
from .runs import LARGE, SMALL, START_YEAR, YEARS, engine_years, polars_runs, run_name

timer = CPU_TIMER  # every time_ here is judged on CPU seconds (common.CPU_TIMER)

STORED_SCENARIO = "default"  # the stored runs' (``planalign simulate``'s default)
LOOKUP_DATE = dt.date(START_YEAR + 2, 6, 30)


@per_process
def _second_year(employees: int) -> tuple[Any, Any, Any, Any, Any]:
    """The inputs of the second year's money stage: config, keys, the year's frame, its
    events and the money state after the first year."""
    year_module = require("planalign_core.engines.polars_engine.year")
    events = require("planalign_core.engines.polars_engine.events", "year_events")
    require("planalign_core.engines.polars_engine.money", "money_year")
    config, keys, done = engine_years(employees, 1, 1, weekly=False)
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
    rounds = 2  # interleaved in a pull-request check
    repeat = (2, 5, 3.0)

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
        require("planalign_core.engines.polars_engine.money", "money_year")
        self.config, self.keys, done = engine_years(employees, 5, 5, weekly=False)
        self.money = [year.result.money for year in done]


class WeeklySnapshots(WarmCall, _FiveYearsOfMoney):
    """``fct_participant_balance_snapshots`` on their own: every year of a 5-year run (the
    money stages done in set-up), in memory. At 10k: the five years' engine set-up at 100k
    cost a minute a commit, and the weekly snapshots' share of a 100k x 5 run is the
    difference of ``LargeRun``'s ``default`` and ``no-weekly`` variants."""

    params = [[10_000]]
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
def _open_run(path: str, scenario: str = STORED_SCENARIO) -> tuple[Any, str]:
    """The stored run's database, held open for the benchmark process (as a service holds it;
    asv re-runs ``setup`` before every sample, and a connection opened per sample would time
    DuckDB's first, cold query after opening the file), and a participant of ``scenario``
    present all five years: the census's first employee still employed at the end."""
    db = require("planalign_core.store", "Database")(path, threads=BENCH_THREADS)
    atexit.register(db.close)
    employee = db.scalar(
        "SELECT employee_id FROM fct_participant_balance_snapshots "
        "WHERE scenario_id = ? AND simulation_year = ? AND snapshot_type = 'year_end' "
        "ORDER BY employee_id LIMIT 1",
        [scenario, START_YEAR + 4],
    )
    return db, str(employee)


class _StoredRun:
    """A stored 5-year run with the weekly snapshots: the database of the default run of
    ``runs.polars_runs`` (once per commit, shared with the whole-run figures); the lookup and
    the reconstruction read it. 100k x 5 is skipped with ``ASV_SKIP_SLOW``."""

    params = [[SMALL, LARGE]]
    param_names = ["employees"]
    timeout = 1800
    rounds = 1  # asv makes a setup_cache per round of a check: one whole run is the budget
    setup_cache = polars_runs

    def setup(self, runs: dict[str, Any], employees: int) -> None:
        require("planalign_core.store.lookup", "balance_on")
        name = run_name("polars", employees)
        if name not in runs:
            raise NotImplementedError("slow parameters are skipped (or no command line here)")
        self.db, self.employee = _open_run(runs[name]["database"])


class BalanceLookup(_StoredRun):
    """A participant's balance on a date: one parameterised query on the snapshots."""

    def setup(self, runs: dict[str, Any], employees: int) -> None:
        super().setup(runs, employees)
        self.balance_on = require("planalign_core.store.lookup", "balance_on")

    def time_balance_lookup(self, runs: dict[str, Any], employees: int) -> None:
        self.balance_on(self.db, self.employee, LOOKUP_DATE, STORED_SCENARIO)


class HistoryReconstruction(_StoredRun):
    """A participant's five-year history rebuilt from its events, and its state on a date."""

    def setup(self, runs: dict[str, Any], employees: int) -> None:
        super().setup(runs, employees)
        self.load_history = require("planalign_core.history", "load_history")

    def time_history(self, runs: dict[str, Any], employees: int) -> None:
        self.load_history(self.db, self.employee, STORED_SCENARIO).state_as_of(LOOKUP_DATE)


class EventsByType(_StoredRun):
    """A scenario's events counted and summed by type: a query over every stored event (both
    parts of ``fct_yearly_events``, ``store/parts.py``), as a report reads them."""

    def time_events_by_type(self, runs: dict[str, Any], employees: int) -> None:
        self.db.execute(
            "SELECT event_type, count(*), sum(amount) FROM fct_yearly_events "
            "WHERE scenario_id = ? GROUP BY event_type",
            [STORED_SCENARIO],
        )


class MoneyOutputs:
    """The money a fixed run produces (5k x 5, seed fixed; the default run of
    ``runs.polars_runs``): a commit that changes results shows in the history."""

    timeout = 900
    rounds = 1
    setup_cache = polars_runs

    def setup(self, runs: dict[str, Any]) -> None:
        outputs = runs.get(run_name("polars", SMALL), {}).get("outputs", {})
        if "total_deferrals_cents" not in outputs:
            raise NotImplementedError("this commit has no money tables")
        self.outputs: dict[str, int] = outputs

    def track_total_deferrals_cents(self, runs: dict[str, Any]) -> int:
        return self.outputs["total_deferrals_cents"]

    track_total_deferrals_cents.unit = "cents"  # type: ignore[attr-defined]

    def track_total_ending_balance_cents(self, runs: dict[str, Any]) -> int:
        """Every source's ending balance in the last year."""
        return self.outputs["total_ending_balance_cents"]

    track_total_ending_balance_cents.unit = "cents"  # type: ignore[attr-defined]


SCENARIOS = 10  # a what-if study's scenarios, in one file
SCENARIO_EMPLOYEES = 300
FIRST_SCENARIO = "s0"


def many_scenarios(*_: object) -> str:
    """A file holding :data:`SCENARIOS` default runs (300 employees x ``YEARS``, seeds 1..N,
    scenarios ``s0``...), once per commit: a store whose reads grow with the scenarios shows
    here (one view branch per key had made a 30-scenario file's lookup 2.6 times as long)."""
    main = require("planalign_core.cli", "main")
    database = run_folders.new_folder() / "scenarios.duckdb"
    for n in range(SCENARIOS):
        argv = ["simulate", "--db", str(database), "--employees", str(SCENARIO_EMPLOYEES),
                "--years", str(YEARS), "--seed", str(n + 1), "--scenario", f"s{n}",
                "--quiet"]  # fmt: skip
        try:
            done = main(argv)
        except SystemExit as exc:  # an older command line without one of these options
            raise NotImplementedError(f"planalign {' '.join(argv)}: {exc}") from None
        if done != 0:
            raise NotImplementedError(f"planalign {' '.join(argv)} failed")
    return str(database)


class BalanceLookupScenarios:
    """:class:`BalanceLookup` in a file of :data:`SCENARIOS` scenarios (the first one's
    participant): the same query, the other scenarios' rows beside it."""

    timeout = 600
    rounds = 1
    setup_cache = many_scenarios

    def setup(self, database: str) -> None:
        self.balance_on = require("planalign_core.store.lookup", "balance_on")
        self.db, self.employee = _open_run(database, FIRST_SCENARIO)

    def time_balance_lookup(self, database: str) -> None:
        self.balance_on(self.db, self.employee, LOOKUP_DATE, FIRST_SCENARIO)
