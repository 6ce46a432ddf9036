"""The event commands of the ``planalign`` CLI, end to end on real files and a real DuckDB file.

Commands run through ``main(argv)`` (what the console script calls); one test runs the installed
console script itself, to check the exit status a shell sees.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planalign_core.cli import main
from planalign_core.commands import event_files
from planalign_core.events import (
    PAYLOAD_TYPES,
    SimulationEvent,
    dump_json,
    dump_jsonl,
    events_to_frame,
    frame_to_events,
)
from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import EVENTS_TABLE, Database

N_EVENTS = 60


@pytest.fixture(scope="module")
def events() -> list[SimulationEvent]:
    """60 valid events of all twelve types."""
    return frame_to_events(synthetic_events(N_EVENTS, seed=9))


@pytest.fixture
def jsonl_file(tmp_path: Path, events: list[SimulationEvent]) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_bytes(dump_jsonl(events))
    return path


def write_bad_jsonl(path: Path, events: list[SimulationEvent]) -> Path:
    """The events as JSON lines after a blank first line, with the event on file line 4
    dated outside its simulation year."""
    lines = dump_jsonl(events).decode().split("\n")[:-1]
    broken = json.loads(lines[2])
    broken["simulation_year"] += 1
    lines[2] = json.dumps(broken)
    path.write_text("\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def bad_jsonl_file(tmp_path: Path, events: list[SimulationEvent]) -> Path:
    return write_bad_jsonl(tmp_path / "bad.jsonl", events)


def test_schema_has_all_twelve_payloads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``schema --out`` writes a JSON Schema defining the envelope and all 12 payloads, with
    the payload discriminated on event_type."""
    out = tmp_path / "event.schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    payloads = {model.__name__ for model in PAYLOAD_TYPES.values()}
    assert len(payloads) == 12
    assert payloads <= set(schema["$defs"])
    mapping = schema["properties"]["payload"]["discriminator"]["mapping"]
    assert set(mapping) == {t.value for t in PAYLOAD_TYPES}
    assert f"wrote {out}" in capsys.readouterr().out


def test_schema_to_stdout_equals_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without ``--out`` the same schema goes to standard output."""
    out = tmp_path / "s.json"
    main(["schema", "--out", str(out)])
    capsys.readouterr()
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_validate_good_file(
    tmp_path: Path, events: list[SimulationEvent], suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` accepts a JSON-lines or JSON-array file of valid events and counts them."""
    path = tmp_path / f"events{suffix}"
    path.write_bytes(dump_jsonl(events) if suffix == ".jsonl" else dump_json(events))
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{N_EVENTS} valid events")


def test_validate_bad_file_names_line_and_field(
    bad_jsonl_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` exits 2 on a bad event, naming its file line, the field and the reason."""
    assert main(["validate", str(bad_jsonl_file)]) == 2
    err = capsys.readouterr().err
    assert "event line 4 (event_id " in err
    assert "effective_date: is outside simulation_year" in err
    assert "nothing was written" in err


def test_validate_malformed_line_named(
    tmp_path: Path, events: list[SimulationEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    """A line that is not JSON is named by its line number."""
    lines = dump_jsonl(events).split(b"\n")[:-1]
    lines[5] = lines[5][:40]
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b"\n".join(lines))
    assert main(["validate", str(path)]) == 2
    assert "event line 6: (line): invalid JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # the batch's parser refuses what Python's json accepts: the line must still be named
        (b'{"event_id": "\\ud800"}', "invalid JSON at column 21: unexpected end of hex escape"),
        # nested past the parser's limit: named, not a RecursionError's traceback
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON at column 202: recursion limit exceeded"),
        (b'{"a": ' * 3_000 + b"1" + b"}" * 3_000, "invalid JSON at column 1207: recursion limit"),
        (b"\xef\xbb\xbf{}", "invalid JSON at column 1: expected value"),  # a BOM past line 1
    ],
)
def test_a_line_the_parser_refuses_is_named(
    tmp_path: Path,
    events: list[SimulationEvent],
    capsys: pytest.CaptureFixture[str],
    line: bytes,
    reason: str,
) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(dump_jsonl(events[:2]) + line + b"\n")
    assert main(["validate", str(path)]) == 2
    assert f"event line 3: (line): {reason}" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_byte_order_mark_at_the_start_is_skipped(
    tmp_path: Path, events: list[SimulationEvent], suffix: str
) -> None:
    """Some Windows tools start a UTF-8 file with a byte-order mark: the file is read past it
    (a census may start with one too); anywhere else it is an error (above)."""
    path = tmp_path / f"bom{suffix}"
    dump = dump_jsonl if suffix == ".jsonl" else dump_json
    path.write_bytes(b"\xef\xbb\xbf" + dump(events))
    db = tmp_path / "run.duckdb"
    assert main(["ingest", str(path), "--db", str(db)]) == 0
    with Database(db, read_only=True) as store:
        assert store.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}") == N_EVENTS


@pytest.fixture(params=["one block", "many blocks"])
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file read as one block, or as blocks of about 1,500 bytes (a few events each)."""
    if request.param == "many blocks":
        monkeypatch.setattr(event_files, "BLOCK_BYTES", 1_500)


@pytest.fixture
def many_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_files, "BLOCK_BYTES", 1_500)


@pytest.mark.usefixtures("blocks")
@pytest.mark.parametrize("command", ["validate", "ingest"])
def test_a_repeated_event_id_is_named_by_both_commands(
    tmp_path: Path,
    events: list[SimulationEvent],
    command: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """validate once called such a file valid while ingest refused it: both name the lines,
    in one block of the file or across blocks."""
    lines = dump_jsonl(events).decode().split("\n")[:-1]
    lines.insert(0, "")  # a blank first line: positions are file lines, not event indexes
    lines.append(lines[3])  # event line 4 again, as file line 62
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (
        main(
            [command, str(path), "--db", str(tmp_path / "x.duckdb")][
                : 2 if command == "validate" else 4
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert f"line {N_EVENTS + 2}: event_id {events[2].event_id} repeats line 4" in err
    assert not (tmp_path / "x.duckdb").exists()


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read is a clear error (exit 2), not a traceback."""
    assert main(["validate", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_ingest_twice_inserts_nothing_the_second_time(
    jsonl_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ingest`` stores every event once; the same file again inserts 0."""
    assert main(["ingest", str(jsonl_file), "--db", str(db_path)]) == 0
    assert f"{N_EVENTS} events inserted, 0 already present" in capsys.readouterr().out
    assert main(["ingest", str(jsonl_file), "--db", str(db_path)]) == 0
    assert f"0 events inserted, {N_EVENTS} already present" in capsys.readouterr().out
    with Database(db_path) as db:
        assert db.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}") == N_EVENTS


def test_one_event_is_counted_as_one(
    tmp_path: Path, events: list[SimulationEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    """The reports count in the singular for one: "1 event inserted", "1 row of"."""
    one, db_path = tmp_path / "one.jsonl", tmp_path / "one.duckdb"
    one.write_bytes(dump_jsonl(events[:1]))
    assert main(["validate", str(one)]) == 0
    assert capsys.readouterr().out.startswith("1 valid event in ")
    assert main(["ingest", str(one), "--db", str(db_path)]) == 0
    assert "1 event inserted, 0 already present" in capsys.readouterr().out
    out = tmp_path / "one-out.jsonl"
    table = "fct_yearly_events"
    assert main(["export", "--db", str(db_path), "--table", table, "--out", str(out)]) == 0
    assert f"1 row of {table} written to {out}" in capsys.readouterr().out


def test_ingest_of_an_empty_file_leaves_the_events_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No event, no block: the table a query expects is still made, empty."""
    empty, db_path = tmp_path / "none.jsonl", tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    assert main(["ingest", str(empty), "--db", str(db_path)]) == 0
    assert "0 events inserted, 0 already present" in capsys.readouterr().out
    with Database(db_path) as db:
        assert db.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}") == 0


def test_ingest_bad_file_writes_nothing(
    jsonl_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ingest`` of a file of new events with one bad among them exits 2 and leaves the
    DuckDB file unchanged (none of the good new events is stored)."""
    main(["ingest", str(jsonl_file), "--db", str(db_path)])
    before = db_path.read_bytes()
    fresh = frame_to_events(synthetic_events(N_EVENTS, seed=10))
    bad = write_bad_jsonl(db_path.with_name("fresh-bad.jsonl"), fresh)
    capsys.readouterr()
    assert main(["ingest", str(bad), "--db", str(db_path)]) == 2
    assert "event line 4 (event_id " in capsys.readouterr().err
    assert db_path.read_bytes() == before
    with Database(db_path) as db:
        assert db.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}") == N_EVENTS


@pytest.mark.usefixtures("many_blocks")
def test_an_id_repeated_blocks_later_writes_nothing(
    jsonl_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The blocks before a repeat are stored as they come; the repeat, found once the file is
    read, rolls them all back: the file holds what it held."""
    main(["ingest", str(jsonl_file), "--db", str(db_path)])
    before = db_path.read_bytes()
    fresh = dump_jsonl(frame_to_events(synthetic_events(N_EVENTS, seed=10)))
    lines = fresh.decode().split("\n")[:-1]
    twice = db_path.with_name("fresh-twice.jsonl")
    twice.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", str(twice), "--db", str(db_path)]) == 2
    assert f"line {N_EVENTS + 1}: event_id " in capsys.readouterr().err
    assert db_path.read_bytes() == before
    with Database(db_path) as db:
        assert db.scalar(f"SELECT count(*) FROM {EVENTS_TABLE}") == N_EVENTS


@pytest.mark.usefixtures("many_blocks")
def test_a_file_read_in_many_blocks_stores_what_one_block_does(
    jsonl_file: Path,
    tmp_path: Path,
    events: list[SimulationEvent],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A JSON lines file is validated and stored a block at a time: the stored events are
    those of the whole file, in one transaction."""
    assert len(list(event_files.event_blocks(jsonl_file))) > 10
    db_path = tmp_path / "blocks.duckdb"
    assert main(["ingest", str(jsonl_file), "--db", str(db_path)]) == 0
    assert f"{N_EVENTS} events inserted, 0 already present" in capsys.readouterr().out
    with Database(db_path) as db:
        stored = db.read_events().sort("event_id")
    assert stored.equals(events_to_frame(events).sort("event_id"))


@pytest.mark.usefixtures("many_blocks")
def test_problems_of_every_block_are_named_and_nothing_is_written(
    tmp_path: Path, events: list[SimulationEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad event early and a cut line late, in different blocks: both are named by their
    file line, the count is the whole file's, and the new DuckDB file is removed."""
    path = write_bad_jsonl(tmp_path / "two.jsonl", events)
    lines = path.read_bytes().split(b"\n")
    lines[55] = lines[55][:40]  # file line 56
    path.write_bytes(b"\n".join(lines))
    db_path = tmp_path / "never.duckdb"
    assert main(["ingest", str(path), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert f"2 problem(s) in a batch of {N_EVENTS} events" in err
    assert "event line 4 (event_id " in err and "event line 56: (line): invalid JSON" in err
    assert not db_path.exists() and not db_path.with_name("never.duckdb.wal").exists()


def test_demo_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``demo --events 2000`` generates, validates and ingests a batch: exit 0, all inserted,
    nothing on the second ingest, and the round trip identical."""
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--events", "2000", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2000 inserted, then 0 on the second ingest" in out
    assert "round trip identical: True" in out


def test_console_script_exit_status(bad_jsonl_file: Path) -> None:
    """The installed ``planalign`` script exits 2 on a bad file, the message on stderr."""
    script = Path(sys.executable).with_name("planalign")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    done = subprocess.run(
        [str(script), "validate", str(bad_jsonl_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "planalign validate: error:" in done.stderr
    assert "line 4" in done.stderr
