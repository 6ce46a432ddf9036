"""``planalign export`` and ``planalign config show`` end to end: an exported events file goes
back through ``validate`` and ``ingest`` unchanged (the round trip a user tried by hand and got
"1800 problem(s)"), filters are parameters, and each configuration value names its source."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from planalign_core.cli import main
from planalign_core.commands import export
from planalign_core.store import EVENTS_TABLE, Database


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "run.duckdb"
    assert main(["simulate", "--employees", "150", "--years", "2", "--db", str(db), "--quiet"]) == 0
    return db


def _events(db: Path, where: str = "") -> pl.DataFrame:
    with Database(db, read_only=True) as database:
        return database.query(f"SELECT * FROM {EVENTS_TABLE} {where} ORDER BY event_id")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_exported_events_validate_and_ingest_unchanged(
    stored: Path, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"events{suffix}"
    assert main(["export", "--db", str(stored), "--table", EVENTS_TABLE, "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    copy = tmp_path / "copy.duckdb"
    assert main(["ingest", str(out), "--db", str(copy)]) == 0
    original = _events(stored)
    assert f"{original.height} valid events" in capsys.readouterr().out
    assert _events(copy).equals(original)


def test_filters_select_rows_and_parquet_keeps_the_table(stored: Path, tmp_path: Path) -> None:
    with Database(stored, read_only=True) as db:
        employee = db.scalar("SELECT min(employee_id) FROM fct_workforce_snapshot")
    out = tmp_path / "one.parquet"
    args = ["export", "--db", str(stored), "--table", EVENTS_TABLE, "--year", "2026"]
    assert main([*args, "--employee", employee, "--out", str(out)]) == 0
    expected = _events(stored, f"WHERE simulation_year = 2026 AND employee_id = '{employee}'")
    assert pl.read_parquet(out).sort("event_id").equals(expected)
    snapshots = tmp_path / "snapshots.jsonl"
    view = "fct_participant_balance_snapshots"
    assert main(["export", "--db", str(stored), "--table", view, "--out", str(snapshots)]) == 0
    with Database(stored, read_only=True) as db:
        assert len(snapshots.read_text().splitlines()) == db.scalar(f"SELECT count(*) FROM {view}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--table", 'x"; DROP TABLE run_metadata; --'], "is not in"),
        (["--table", "run_metadata", "--year", "2025"], "has no column simulation_year"),
        (["--table", EVENTS_TABLE, "--out-format"], "unrecognized"),
    ],
)
def test_export_errors_are_named(
    stored: Path, tmp_path: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--db", str(stored), "--out", str(tmp_path / "x.jsonl"), *extra]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own error
        code = int(exit_.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()
    with Database(stored, read_only=True) as db:
        assert db.has_table("run_metadata")


@pytest.mark.parametrize("table", [EVENTS_TABLE, "fct_participant_balance_snapshots"])
@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".parquet"])
def test_an_export_in_many_batches_is_the_export_in_one(
    stored: Path, tmp_path: Path, table: str, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export is read, converted and written a batch at a time, a (scenario, year) at a
    time: with batches of 97 rows the file is the one-batch file (Parquet: the same rows)."""
    outputs = []
    for rows in (export.BATCH_ROWS, 97):
        monkeypatch.setattr(export, "BATCH_ROWS", rows)
        out = tmp_path / f"{rows}{suffix}"
        assert main(["export", "--db", str(stored), "--table", table, "--out", str(out)]) == 0
        outputs.append(out)
    one, many = outputs
    if suffix == ".parquet":
        assert pl.read_parquet(many).equals(pl.read_parquet(one))
        assert pl.read_parquet(one).height > 2 * 97
    else:
        assert many.read_bytes() == one.read_bytes()


def test_an_out_path_that_is_a_folder_is_named(
    stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "events.jsonl"
    folder.mkdir()
    argv = ["export", "--db", str(stored), "--table", EVENTS_TABLE, "--out", str(folder)]
    assert main(argv) == 2
    assert f"--out {folder}: is a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [folder]  # no partial file left beside it


def test_an_export_of_no_rows_keeps_the_columns(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.parquet"
    args = ["export", "--db", str(stored), "--table", EVENTS_TABLE, "--year", "1999"]
    assert main([*args, "--out", str(out)]) == 0
    empty = pl.read_parquet(out)
    assert empty.height == 0 and empty.columns == _events(stored).columns
    json_out = tmp_path / "none.json"
    assert main([*args, "--out", str(json_out)]) == 0
    assert json_out.read_bytes() == b"[]"


def test_an_unknown_table_is_named_with_the_tables_a_user_reads(
    stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hint lists the run's tables and views, not the storage behind the views."""
    argv = ["export", "--db", str(stored), "--table", "nope", "--out", str(tmp_path / "x.jsonl")]
    assert main(argv) == 2
    hint = capsys.readouterr().err.split("it holds: ")[1]
    assert EVENTS_TABLE in hint and "fct_participant_balance_snapshots" in hint
    assert "__rows" not in hint and "planalign_run_keys" not in hint


def test_an_unknown_suffix_is_named(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["export", "--db", str(stored), "--table", EVENTS_TABLE, "--out", "events.csv"]
    assert main(argv) == 2
    assert "unknown suffix '.csv'" in capsys.readouterr().err


def test_config_show_names_each_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text("growth_rate = 0.050\n[match]\ntiers = [{up_to = 0.04, rate = 1.0}]\n")
    assert main(["config", "show", "--config", str(plan)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"growth_rate = 0.05  # {plan}" in lines
    assert f"match.tiers[1].up_to = 0.04  # {plan}" in lines
    assert f"match.tiers[1].rate = 1  # {plan}" in lines
    assert not any(line.startswith("match.tiers[2]") for line in lines)  # arrays replace
    assert "match.true_up = true  # default" in lines
    assert 'eligibility.rule = "age_and_service"  # default' in lines
    assert lines[-1].startswith("# config hash ")
    assert main(["config", "show"]) == 0
    defaults = capsys.readouterr().out.splitlines()
    assert all(line.endswith("# default") for line in defaults[:-1])
