"""The dbt driver: finds its project, names what failed, and reports where the time went."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from planalign_core.census import synthesize_census
from planalign_core.config import load_config
from planalign_core.engines import dbt_driver, dbt_manifests, dbt_session
from planalign_core.engines.dbt_inputs import RunParameters, rng_constants


def test_project_dir_prefers_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    monkeypatch.setenv(dbt_driver.PROJECT_ENV, str(tmp_path))
    assert dbt_driver.project_dir() == tmp_path.resolve()


def test_project_fingerprint_follows_the_files(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(
        dbt_driver.project_dir(), project, ignore=shutil.ignore_patterns("target", "logs")
    )
    before = dbt_driver.project_fingerprint(project)
    model = project / "models/intermediate/int_run.sql"
    model.write_text(model.read_text() + "\n")
    assert dbt_driver.project_fingerprint(project) != before


def test_year_invocations() -> None:
    first = dbt_driver.year_args(2025, first=True)
    later = dbt_driver.year_args(2026, first=False)
    assert first[0] == "run" and "--select" not in first
    assert later[:3] == ("run", "--select", dbt_driver.YEAR_LOOP_SELECTOR)
    given = json.loads(later[-1])
    assert given["simulation_year"] == 2026
    # the draw's constants ride along: exactly the row the inputs write to rng_constants
    assert given["planalign_rng"] == rng_constants().row(0, named=True)
    assert given["planalign_scratch"] is True  # the hand-build hooks stand aside


def test_timings_split_wall_into_overhead_and_sql() -> None:
    timings = dbt_driver.DbtTimings(startup_seconds=1.0, parse_seconds=2.0, inputs_seconds=0.5)
    timings.invocations.append(
        dbt_driver.Invocation(dbt_driver.year_args(2025, first=True), 3.0, 1.25, {"a": 1.25})
    )
    flat = timings.as_dict()
    assert flat["dbt_run_2025_wall_seconds"] == 3.0
    assert flat["dbt_run_2025_sql_seconds"] == 1.25
    assert flat["dbt_run_2025_overhead_seconds"] == 1.75
    text = dbt_driver.timing_summary(flat)
    assert text is not None and "run_2025" in text and "1.75" in text
    assert dbt_driver.timing_summary({"year_2025": 1.0}) is None


def test_a_failing_model_is_named_and_the_scratch_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that fails at run time raises DbtEngineError naming it; the scratch directory
    (and its DuckDB file) is gone afterwards."""
    project = tmp_path / "project"
    shutil.copytree(
        dbt_driver.project_dir(), project, ignore=shutil.ignore_patterns("target", "logs")
    )
    broken = project / "models/intermediate/year_loop/int_participation_year_state.sql"
    broken.write_text("select * from no_such_table\n")
    monkeypatch.setenv(dbt_driver.PROJECT_ENV, str(project))
    monkeypatch.setenv(dbt_driver.CACHE_ENV, str(tmp_path / "cache"))
    scratch_root = tmp_path / "scratch"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    config = load_config()
    census = synthesize_census(20, 1, 2025, config)
    run = RunParameters(1, "s", config.plan_design_id, 2025, 1)
    with pytest.raises(dbt_driver.DbtEngineError, match="int_participation_year_state") as error:
        dbt_driver.run_years(census, config, run)
    assert list(scratch_root.iterdir()) == []
    # the invocation is shown with its year, not the draw's constants every run passes
    first = str(error.value).splitlines()[0]
    assert '"simulation_year": 2025' in first and "planalign_rng" not in first, first


@pytest.mark.parametrize(
    "model",
    [
        "models/marts/fct_workforce_snapshot.sql",
        "models/intermediate/money/int_employee_contributions.sql",
        "models/intermediate/int_baseline_workforce.sql",
    ],
)
def test_a_model_whose_contract_is_enforced_refuses_a_changed_column(
    model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """replace_view and replace_table (dbt/macros/materializations/) check an enforced contract
    before they replace the relation: a model that adds a column fails, named, with dbt's
    contract message."""
    project = tmp_path / "project"
    shutil.copytree(
        dbt_driver.project_dir(), project, ignore=shutil.ignore_patterns("target", "logs")
    )
    changed = project / model
    head, body = changed.read_text().split("-#}", 1)  # the config and the comment stay
    changed.write_text(f"{head}-#}}\nselect *, 1 as surplus from (\n{body}\n)\n")
    monkeypatch.setenv(dbt_driver.PROJECT_ENV, str(project))
    monkeypatch.setenv(dbt_driver.CACHE_ENV, str(tmp_path / "cache"))
    config = load_config()
    census = synthesize_census(20, 1, 2025, config)
    run = RunParameters(1, "s", config.plan_design_id, 2025, 1)
    name = Path(model).stem
    with pytest.raises(dbt_driver.DbtEngineError, match=f"(?s){name}.*contract.*surplus"):
        dbt_driver.run_years(census, config, run)


def test_closing_the_session_skips_the_scratch_files_final_checkpoint(tmp_path: Path) -> None:
    """The scratch file is deleted after the run: closing must not rewrite it from its log."""
    import duckdb  # noqa: PLC0415

    database = tmp_path / dbt_driver.SCRATCH_NAME
    held = duckdb.connect(str(database))  # stands for dbt-duckdb's open connection
    held.execute("set checkpoint_threshold = '1GB'")
    held.execute("create table t as select range as i from range(1000)")
    wal = Path(f"{database}.wal")
    assert wal.is_file()  # the table is in the log, not yet in the file
    dbt_session.DbtSession(dbt_driver.project_dir(), tmp_path, database).close()
    held.close()
    assert wal.is_file(), "the last close checkpointed the scratch file"


def test_the_profile_keeps_duckdbs_defaults_for_a_file_built_by_hand() -> None:
    """Only the package's scratch builds relax durability; the profile's defaults are DuckDB's."""
    profile = (dbt_driver.project_dir() / "profiles.yml").read_text()
    for name in dbt_session.SCRATCH_SETTINGS:
        assert f"env_var('{name}', " in profile
    assert "env_var('PLANALIGN_DBT_CHECKPOINT_THRESHOLD', '16MB')" in profile
    assert "env_var('PLANALIGN_DBT_FSYNC_MODE', 'STANDARD')" in profile


def test_a_scratch_build_keeps_its_models_in_memory_and_only_the_inputs_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's build puts every model in the in-memory database the profile attaches; the
    scratch file holds the inputs alone. A build by hand (the variable unset) keeps the file's
    own database: tests/e2e/test_dbt_by_hand.py reads its models from the file."""
    import duckdb  # noqa: PLC0415

    scratch_root = tmp_path / "scratch"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    config = load_config()
    census = synthesize_census(20, 1, 2025, config)
    built = dbt_driver.run_years(
        census, config, RunParameters(1, "s", config.plan_design_id, 2025, 2)
    )
    try:
        (workdir,) = scratch_root.iterdir()
        with duckdb.connect(str(workdir / dbt_driver.SCRATCH_NAME)) as connection:
            tables = connection.execute(
                "SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                "WHERE NOT temporary"
            ).fetchall()
        in_file = {
            (schema, table) for db, schema, table in tables if db != dbt_session.MODELS_DATABASE
        }
        in_memory = {table for db, _, table in tables if db == dbt_session.MODELS_DATABASE}
        assert {schema for schema, _ in in_file} == {"planalign_inputs"}
        assert {"int_balance_snapshot_segments", "int_workforce_year_state"} <= in_memory
        assert {"int_run", "int_irs_limits", "int_vesting_percentages"} <= in_memory  # tables
    finally:
        years = list(built.years)  # to the end: the scratch folder goes with it
    assert [year.year for year in years] == [2025, 2026]
    assert list(scratch_root.iterdir()) == []
    settings = (dbt_driver.project_dir() / "dbt_project.yml").read_text()
    assert f"env_var('{dbt_session.MODELS_DATABASE_ENV}', target.database)" in settings


def test_sql_seconds_count_overlapping_nodes_once() -> None:
    """Two nodes at a time: the SQL time is the union of their phases, never above the wall."""
    at = dt.datetime(2026, 1, 1)

    def phase(name: str, start: float, end: float) -> tuple[str, dt.datetime, dt.datetime]:
        return name, at + dt.timedelta(seconds=start), at + dt.timedelta(seconds=end)

    phases = [phase("a", 0, 2), phase("b", 1, 3), phase("c", 5, 6), phase("d", 5.5, 5.8)]
    assert dbt_session._busy_seconds(phases) == pytest.approx(4.0)
    assert dbt_session._node_seconds(phases) == pytest.approx(
        {"a": 2.0, "b": 2.0, "c": 1.0, "d": 0.3}
    )
    assert dbt_session._busy_seconds([]) == 0.0


def test_a_module_is_imported_in_the_background_without_blocking_the_caller() -> None:
    import sys  # noqa: PLC0415

    sys.modules.pop("colorsys", None)
    thread = dbt_driver._import_in_background("colorsys")
    assert thread.daemon  # never holds the process open
    thread.join(timeout=30)
    assert "colorsys" in sys.modules


def test_the_runs_leave_out_only_the_hand_build_hooks_and_run_the_models_only(
    tmp_path: Path,
) -> None:
    """The package's invocations get a manifest without the on-run hooks: exactly the two hook
    nodes leave it, no model is left pointing at them, and each hook's macro returns nothing
    first thing under the var every run of the package passes (``test_year_invocations``).
    ``dbt run`` gets its models alone; the tests stay for ``dbt test``."""
    project = dbt_driver.project_dir()
    dbt_session.DbtSession(project, tmp_path, tmp_path / dbt_driver.SCRATCH_NAME).parse()
    cache = dbt_session.cache_dir(project)
    assert cache is not None
    fingerprint = dbt_session.project_fingerprint(project)
    key = dbt_manifests.manifest_key(project, fingerprint, dbt_session.SCRATCH_ENV)
    kept = dbt_manifests.load(cache, key)  # as parsed: the hooks included
    assert kept is not None
    before = set(kept.nodes)
    left = before - set(dbt_session.without_run_hooks(kept).nodes)
    assert left == {f"operation.planalign.planalign-on-run-{when}-0" for when in ("start", "end")}
    assert not left & {uid for uids in kept.child_map.values() for uid in uids}
    models = dbt_session.models_only(kept)  # what `dbt run` gets
    assert {n.resource_type for n in models.nodes.values()} == {"model"}
    assert set(models.nodes) == {u for u, n in kept.nodes.items() if n.resource_type == "model"}
    linked = set(models.parent_map) | {u for uids in models.child_map.values() for u in uids}
    assert linked <= set(models.nodes) | set(models.sources) and not models.unit_tests
    assert {n.resource_type for n in kept.nodes.values()} == {"model", "test"}  # `dbt test`'s
    for macro in ("planalign_choose_year", "planalign_finish_file"):
        lines = kept.macros[f"macro.planalign.{macro}"].macro_sql.splitlines()
        assert "var('planalign_scratch', false)" in lines[1]  # the macro's first statement
        assert "{{ return('') }}" in "".join(lines[2:5])
