"""One (scenario, seed) of a sweep equals ``planalign simulate`` with the same inputs and seed:
every table, row for row and column for column (types included), read by DuckDB from the
DuckDB file and from the Parquet files. Files are written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from planalign_core.cli import main
from planalign_core.commands.sweep import _failed
from planalign_core.errors import SweepError
from planalign_core.store.snapshots import view_sql
from planalign_core.store.tables import CLOSINGS_TABLE, SEGMENTS_TABLE, SNAPSHOTS_VIEW
from planalign_core.sweep import layout
from planalign_core.sweep.cluster import Failure
from planalign_core.sweep.manifest import reconcile
from planalign_core.sweep.plan import Scenario, check, job, make_plan
from planalign_core.sweep.runner import Outcome
from planalign_core.sweep.task import PairJob, PairRefused, run_pair
from tests.sweep_support import GROWTH, REPO, VOLATILE, leftovers

CENSUS = REPO / "examples" / "census.csv"


def columns(connection: duckdb.DuckDBPyConnection, source: str, params: list[object]) -> list:
    """(name, type) of a table or a Parquet file as DuckDB reads it."""
    return connection.execute(f"DESCRIBE SELECT * FROM {source}", params).fetchall()


def table_rows(
    connection: duckdb.DuckDBPyConnection, source: str, params: list[object], table: str
) -> tuple[list, list]:
    """The column layout (event ids as text: DuckDB stores them as UUID) and every row, ordered
    by all columns, without the run's wall times and memory."""
    layout_ = [
        (name, "VARCHAR" if kind == "UUID" else kind)
        for name, kind, *_ in columns(connection, source, params)
        if name not in VOLATILE.get(table, ())
    ]
    select = ", ".join(f'CAST("{name}" AS {kind})' for name, kind in layout_)
    rows = connection.execute(f"SELECT {select} FROM {source} ORDER BY ALL", params).fetchall()
    return layout_, rows


def sweep_pair(out: Path, scenario: Scenario, seed: int, **inputs: object) -> None:
    plan = make_plan((seed,), [scenario], years=2, start_year=2025, **inputs)  # type: ignore[arg-type]
    manifest = reconcile(out, check(plan))
    run_pair(job(plan, manifest, out, scenario, seed))


def compare(db: Path, out: Path, scenario: str, seed: int) -> dict[str, int]:
    """Rows per table, after asserting each table of the pair equals the DuckDB file's."""
    counts = {}
    with duckdb.connect(str(db), read_only=True) as connection:
        for table in layout.TABLES:
            part = str(layout.part_path(out, table, scenario, seed))
            # hive_partitioning off: run_metadata's own seed column, not the folder's
            parquet = "read_parquet(?, hive_partitioning = false)"
            expected = table_rows(connection, f'"{table}"', [], table)
            found = table_rows(connection, parquet, [part], table)
            assert found[0] == expected[0], f"{table}: columns differ"
            assert found[1] == expected[1], f"{table}: rows differ"
            counts[table] = len(found[1])
    return counts


CASES = {
    "census file and configuration": (GROWTH, 7, {"census_path": CENSUS, "employees": None}),
    "synthetic census, defaults": (Scenario("default", None), 3, {"employees": 150}),
}


@pytest.mark.parametrize("case", CASES)
def test_a_pair_equals_planalign_simulate_bit_for_bit(tmp_path: Path, case: str) -> None:
    scenario, seed, inputs = CASES[case]
    db = tmp_path / "run.duckdb"
    args = ["simulate", "--db", str(db), "--years", "2", "--seed", str(seed), "--quiet",
            "--scenario", scenario.name]  # fmt: skip
    if scenario.config_path is not None:
        args += ["--config", str(scenario.config_path)]
    census = inputs.get("census_path")
    args += ["--census", str(census)] if census else ["--employees", str(inputs["employees"])]
    assert main(args) == 0
    out = tmp_path / "sweep"
    sweep_pair(out, scenario, seed, census_path=census, employees=inputs.get("employees"))
    counts = compare(db, out, scenario.name, seed)
    assert all(counts[t] > 0 for t in layout.TABLES), counts
    assert leftovers(out) == []


def test_the_comparison_sees_another_seed_and_the_view_expands_the_same(tmp_path: Path) -> None:
    """The check above can fail: seed 4's files differ from seed 3's run. And the weekly
    snapshots view, built over the Parquet files, gives the rows simulate's view gives."""
    db = tmp_path / "run.duckdb"
    assert main(["simulate", "--db", str(db), "--years", "2", "--seed", "3", "--quiet",
                 "--employees", "150"]) == 0  # fmt: skip
    out = tmp_path / "sweep"
    sweep_pair(out, Scenario("default", None), 4, employees=150, census_path=None)
    with pytest.raises(AssertionError, match="rows differ"):
        compare(db, out, "default", 4)
    sweep_pair(out, Scenario("default", None), 3, employees=150, census_path=None)
    with duckdb.connect() as connection:
        for table in (SEGMENTS_TABLE, CLOSINGS_TABLE):
            part = layout.part_path(out, table, "default", 3)
            source = f"read_parquet('{part}', hive_partitioning = false)"  # a test's own path
            connection.execute(f'CREATE VIEW "{table}" AS SELECT * FROM {source}')
        connection.execute(view_sql())
        mine = connection.execute(f'SELECT * FROM "{SNAPSHOTS_VIEW}" ORDER BY ALL').fetchall()
    with duckdb.connect(str(db), read_only=True) as connection:
        theirs = connection.execute(f'SELECT * FROM "{SNAPSHOTS_VIEW}" ORDER BY ALL').fetchall()
    assert len(mine) > 1000 and mine == theirs


def test_a_failed_pair_leaves_no_file_and_no_marker(tmp_path: Path) -> None:
    """A table's folder that cannot be made (a file in its place) fails the pair midway: the
    files already open are removed, none is renamed into place, no marker is written."""
    out = tmp_path / "sweep"
    plan = make_plan((5,), [], years=2, start_year=2025, employees=80, census_path=None)
    manifest = reconcile(out, check(plan))
    blocker = layout.part_path(out, "int_employee_contributions", "default", 5).parent
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        run_pair(job(plan, manifest, out, plan.scenarios[0], 5))
    assert not layout.done_path(out, "default", 5).exists()
    assert [p for p in out.rglob("*.parquet")] == [] and leftovers(out) == []
    blocker.unlink()  # the fault gone, the same job completes
    run_pair(job(plan, manifest, out, plan.scenarios[0], 5))
    assert layout.finished_runs(out) == [("default", 5)]


def _seed_one(tmp_path: Path, name: str, toml: str, *, years: int, employees: int) -> PairJob:
    """The job of seed 1 of one scenario (its overrides in ``<name>.toml``), its sweep planned
    and its folder's manifest written."""
    config = tmp_path / f"{name}.toml"
    config.write_text(toml)
    scenario = Scenario(name, config)
    out = tmp_path / "sweep"
    plan = make_plan(
        (1,), [scenario], years=years, start_year=2025, employees=employees, census_path=None
    )
    return job(plan, reconcile(out, check(plan)), out, scenario, 1)


def test_a_worker_refuses_inputs_changed_since_the_sweep_started(tmp_path: Path) -> None:
    stale = _seed_one(tmp_path, "s", "[escalation]\ncap = 0.10\n", years=1, employees=50)
    (tmp_path / "s.toml").write_text("[escalation]\ncap = 0.12\n")
    with pytest.raises(SweepError, match=r"scenario 's': configuration .* changed"):
        run_pair(stale)
    other_code = type(stale)(**{**stale.__dict__, "code_sha256": "0" * 64})
    with pytest.raises(SweepError, match="runs other planalign code than the client"):
        run_pair(other_code)


def test_a_pair_its_inputs_refuse_is_returned_not_raised(tmp_path: Path) -> None:
    """A bound of the run passed (rules, "Bounds": a 100 % COLA in the ninth year) fails the
    same way on every try: the task returns it, named, so Dask does not retry it, and leaves
    nothing behind; the sweep's message then says to change the inputs, not to retry."""
    refused = run_pair(
        _seed_one(tmp_path, "cola", "[compensation]\ncola_rate = 1\n", years=10, employees=60)
    )
    out = tmp_path / "sweep"
    assert isinstance(refused, PairRefused), refused
    assert (refused.scenario, refused.seed) == ("cola", 1)
    assert refused.error.startswith("ConfigError: year 20")
    assert "pay reaches $" in refused.error
    assert [p for p in out.rglob("*.parquet")] == [] and leftovers(out) == []
    assert layout.finished_runs(out) == []
    outcome = Outcome(total=3, skipped=0)
    outcome.failures = [Failure("cola", 1, refused.error, refused=True)]
    refusal = "1 refused by their inputs fail the same way again: change them"
    assert _failed(outcome).endswith(refusal)
    outcome.failures.append(Failure("base", 2, "KilledWorker: ..."))
    assert _failed(outcome).endswith("; run the same command again to retry only the failed ones")
