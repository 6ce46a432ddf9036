"""Census: loading (names, exact numbers, keys), rejection naming rows and columns, synthesis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from planalign_core.census import load_census, synthesize_census
from planalign_core.config import load_config, units
from planalign_core.errors import CensusError, CensusWarning

CONFIG = load_config()
HEADER = "employee_id,birth_date,hire_date,gross_compensation,deferral_rate"


def _csv(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "census.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_prefixed_column_names_are_accepted(tmp_path: Path) -> None:
    """employee_-prefixed and differently cased headers map to the canonical columns."""
    path = _csv(
        tmp_path,
        "A1,1980-02-29,2010-06-01,,75000.00,0.06",
        header=(
            " Employee_ID ,employee_birth_date,employee_hire_date,employee_termination_date,"
            "employee_gross_compensation,employee_deferral_rate"
        ),
    )
    census = load_census(path, 2025, CONFIG)
    row = census.row(0, named=True)
    assert row["employee_id"] == "A1"
    assert row["birth_date"] == dt.date(1980, 2, 29)
    assert row["termination_date"] is None
    assert row["compensation_cents"] == 7_500_000
    assert row["deferral_units"] == 600


@pytest.mark.parametrize(
    ("pay", "cents"),
    [("1000.005", 100_001), ("1000.0049", 100_000), ("1000", 100_000), (".5", 50), ("7.1", 710)],
)
def test_pay_is_exact_and_rounded_half_up(tmp_path: Path, pay: str, cents: int) -> None:
    census = load_census(_csv(tmp_path, f"A,1980-01-01,2010-01-01,{pay},0"), 2025, CONFIG)
    assert census["compensation_cents"].item() == cents


@pytest.mark.parametrize(("rate", "units_"), [("0.06245", 625), ("0.06244", 624), ("", 0)])
def test_deferral_rates_round_half_up_to_four_places(
    tmp_path: Path, rate: str, units_: int
) -> None:
    census = load_census(_csv(tmp_path, f"A,1980-01-01,2010-01-01,50000,{rate}"), 2025, CONFIG)
    assert census["deferral_units"].item() == units_


def test_keys_rank_ids_by_utf8_bytes(tmp_path: Path) -> None:
    """employee_key is the 1-based rank of the id in byte order (upper case before lower)."""
    rows = [f"{i},1980-01-01,2010-01-01,50000,0" for i in ("b", "a", "B", "é", "a2")]
    census = load_census(_csv(tmp_path, *rows), 2025, CONFIG)
    keys = dict(census.select("employee_id", "employee_key").iter_rows())
    assert keys == {"B": 1, "a": 2, "a2": 3, "b": 4, "é": 5}


def test_missing_levels_come_from_pay_bands(tmp_path: Path) -> None:
    """Without job_level, the lowest level whose pay_max covers the pay, else the top one."""
    pays = [CONFIG.level(1).pay_max, CONFIG.level(1).pay_max + 1, 10_000_000]
    rows = [f"E{i},1980-01-01,2010-01-01,{pay},0" for i, pay in enumerate(pays)]
    census = load_census(_csv(tmp_path, *rows), 2025, CONFIG).sort("employee_id")
    assert census["job_level"].to_list() == [1, 2, CONFIG.max_level]


@pytest.mark.parametrize(("level", "loaded"), [("2", 2), ("2.0", 2), ("3.", 3), ("2.5", None)])
def test_a_level_is_a_whole_number_with_or_without_a_zero_fraction(
    tmp_path: Path, level: str, loaded: int | None
) -> None:
    """A float column's 2.0 (pandas writes integers beside a missing value as floats) is level
    2; 2.5 is no level and is named, never rounded."""
    header = f"{HEADER},job_level"
    path = _csv(tmp_path, f"A,1980-01-01,2010-01-01,50000,0.05,{level}", header=header)
    if loaded is None:
        assert f"job_level: {level} is not a level in 1..5" in _problem(path)
    else:
        assert load_census(path, 2025, CONFIG)["job_level"].to_list() == [loaded]


def test_parquet_with_real_dates_and_floats(tmp_path: Path) -> None:
    """Parquet dates are taken as dates; float pay goes through its shortest text."""
    path = tmp_path / "census.parquet"
    pl.DataFrame(
        {
            "employee_id": ["X", "Y"],
            "birth_date": [dt.date(1970, 5, 5), dt.date(1990, 1, 1)],
            "hire_date": [dt.datetime(2000, 1, 1, 9, 30), dt.datetime(2020, 3, 3)],
            "annual_compensation": [65_432.1, 80_000.0],
            "deferral_rate": [0.06, None],
            "job_level": [2, None],
        }
    ).write_parquet(path)
    census = load_census(path, 2025, CONFIG).sort("employee_id")
    assert census["compensation_cents"].to_list() == [6_543_210, 8_000_000]
    assert census["deferral_units"].to_list() == [600, 0]
    assert census["hire_date"].to_list() == [dt.date(2000, 1, 1), dt.date(2020, 3, 3)]
    assert census["job_level"].to_list()[0] == 2


def test_terminated_rows_are_kept_as_inactive(tmp_path: Path) -> None:
    header = "employee_id,birth_date,hire_date,termination_date,gross_compensation"
    path = _csv(
        tmp_path,
        "A,1980-01-01,2010-01-01,2020-06-30,50000",
        "B,1980-01-01,2010-01-01,,50000",
        header=header,
    )
    census = load_census(path, 2025, CONFIG).sort("employee_id")
    assert census["termination_date"].to_list() == [dt.date(2020, 6, 30), None]


def _problem_lines(path: Path) -> list[str]:
    """The lines of the census's error after its first (one a problem)."""
    with pytest.raises(CensusError) as error:
        load_census(path, 2025, CONFIG)
    return str(error.value).splitlines()[1:]


def test_only_the_repeats_of_an_id_are_named(tmp_path: Path) -> None:
    """The first row of an id is not a problem; each later one names it. Ids differ by case."""
    row = ",1980-01-01,2010-01-01,50000,0.05"
    path = _csv(tmp_path, "A" + row, "a" + row, "A" + row, row, row)
    assert _problem_lines(path) == [
        "  row 3 (employee_id 'A'): employee_id: is duplicated (first seen in row 1)",
        "  row 4 (employee_id None): employee_id: is empty",
        "  row 5 (employee_id None): employee_id: is empty",
    ]


def test_an_id_longer_than_an_event_holds_is_refused(tmp_path: Path) -> None:
    """128 characters is an event's limit (events.types): a census id of 129 would make events
    that validate and export refuse; 128 passes."""
    row = ",1980-01-01,2010-01-01,50000,0.05"
    lines = _problem_lines(_csv(tmp_path, "x" * 128 + row, "y" * 129 + row))
    assert len(lines) == 1
    assert lines[0].startswith("  row 2 (employee_id 'yyy")
    assert lines[0].endswith(
        "employee_id: has 129 characters, more than an event's employee_id may hold (128)"
    )


def test_a_bad_census_names_every_row_and_column(tmp_path: Path) -> None:
    """Duplicates, negative pay, hire before birth and unparseable dates: one error."""
    path = _csv(
        tmp_path,
        "A,1980-01-01,2010-01-01,50000,0.05",
        "A,1980-01-01,2010-01-01,50000,0.05",
        "C,1980-01-01,2010-01-01,-1,0.05",
        "D,1990-01-01,1989-12-31,50000,0.05",
        "E,1980-13-01,2010-01-01,50000,0.05",
        "F,1980-01-01,2010-01-01,50k,0.05",
        "G,1980-01-01,2030-01-01,50000,0.9",
        "NH2025_0000001,1980-01-01,2010-01-01,50000,0",
    )
    with pytest.raises(CensusError) as error:
        load_census(path, 2025, CONFIG)
    message = str(error.value)
    for expected in (
        "row 2 (employee_id 'A'): employee_id: is duplicated (first seen in row 1)",
        "row 3 (employee_id 'C'): gross_compensation: -1 is negative",
        "row 4 (employee_id 'D'): hire_date: is not after birth_date",
        "row 5 (employee_id 'E'): birth_date: 1980-13-01 is not a date (YYYY-MM-DD)",
        "row 6 (employee_id 'F'): gross_compensation: 50k is not a number",
        "row 7 (employee_id 'G'): hire_date: is after the census date 2024-12-31",
        "row 7 (employee_id 'G'): deferral_rate: 0.9 exceeds enrollment.max_deferral_rate",
        "row 8 (employee_id 'NH2025_0000001'): employee_id: has the form reserved",
        "nothing was written",
    ):
        assert expected in message, expected


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, "A,50000", header="employee_id,salary")
    with pytest.raises(CensusError) as error:
        load_census(path, 2025, CONFIG)
    message = str(error.value)
    assert "missing required column birth_date" in message
    assert "missing required column gross_compensation" in message
    assert "employee_gross_compensation" in message  # the accepted spellings are listed


def test_ambiguous_and_unsupported_inputs(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "A,A,1980-01-01,2010-01-01,1",
        header="employee_id,id,birth_date,hire_date,gross_compensation",
    )
    with pytest.raises(CensusError, match=r"all give employee_id"):
        load_census(path, 2025, CONFIG)
    other = tmp_path / "census.xlsx"
    other.write_bytes(b"")
    with pytest.raises(CensusError, match="unsupported census format"):
        load_census(other, 2025, CONFIG)
    with pytest.raises(CensusError, match="not found"):
        load_census(tmp_path / "none.csv", 2025, CONFIG)


def test_synthetic_census_is_seeded_and_valid() -> None:
    """Same seed, same census; ids E0000001.. with rank keys; dates, pay, rates inside rules."""
    first = synthesize_census(500, 9, 2025, CONFIG)
    assert first.equals(synthesize_census(500, 9, 2025, CONFIG))
    assert not first.equals(synthesize_census(500, 10, 2025, CONFIG))
    assert first["employee_id"].to_list()[:2] == ["E0000001", "E0000002"]
    assert first["employee_key"].to_list() == list(range(1, 501))
    census_day = dt.date(2024, 12, 31)
    assert (first["hire_date"] > first["birth_date"]).all()
    assert (first["hire_date"] <= census_day).all()
    bands = {lv.level: (lv.pay_min * 100, lv.pay_max * 100) for lv in CONFIG.levels}
    for level, cents in first.select("job_level", "compensation_cents").iter_rows():
        low, high = bands[level]
        assert low <= cents <= high
        assert cents % 100 == 0
    allowed = {0} | {units(c.rate) for c in CONFIG.enrollment.voluntary.deferral_rates}
    assert set(first["deferral_units"].to_list()) <= allowed
    participation = (first["deferral_units"] > 0).mean()
    assert 0.3 < participation < 0.8  # type: ignore[operator]


def test_synthetic_census_rejects_bad_sizes() -> None:
    with pytest.raises(CensusError, match="--employees"):
        synthesize_census(0, 1, 2025, CONFIG)


def _problem(path: Path) -> str:
    with pytest.raises(CensusError) as error:
        load_census(path, 2025, CONFIG)
    return str(error.value)


@pytest.mark.parametrize("rate", ["6%", "abc", '"0,06"', "0.06.1", "0.0\u0663"])
def test_an_unparsable_deferral_rate_is_refused_not_zero(tmp_path: Path, rate: str) -> None:
    """A rate written as 6 % or with a decimal comma once became 0 (a saver turned
    non-participant, silently); it is named instead. So is one with another script's digit
    (Arabic-Indic three), which had stopped the load with Polars' own cast error."""
    path = _csv(tmp_path, "A,1980-01-01,2010-01-01,50000,0.05", f"B,1980-01-01,2010-01-01,1,{rate}")
    message = _problem(path)
    assert "row 2 (employee_id 'B'): deferral_rate:" in message
    assert "is not a number" in message


def test_a_misspelt_column_is_refused_and_others_are_named_in_a_warning(tmp_path: Path) -> None:
    """employee_term_date would have been ignored, bringing leavers back as active."""
    header = "employee_id,birth_date,hire_date,employee_term_date,gross_compensation"
    message = _problem(_csv(tmp_path, "A,1980-01-01,2010-01-01,2020-01-01,5", header=header))
    assert "column 'employee_term_date' is not a census column" in message
    assert "employee_termination_date" in message
    header = "employee_id,birth_date,hire_date,gross_compensation,Department,name"
    with pytest.warns(CensusWarning, match="ignored: Department, name"):
        census = load_census(
            _csv(tmp_path, "A,1980-01-01,2010-01-01,5,x,y", header=header), 2025, CONFIG
        )
    assert census.height == 1


def test_implausible_rows_are_refused(tmp_path: Path) -> None:
    """Zero pay while active, pay of $100 million or more, a hire before age 14 (rules,
    "Loading a census file"); a leaver with zero pay and a hire on the 14th birthday load."""
    header = "employee_id,birth_date,hire_date,termination_date,gross_compensation"
    path = _csv(
        tmp_path,
        "A,1980-01-01,2010-01-01,,0",
        "B,1980-01-01,2010-01-01,,100000000",
        "C,2000-03-01,2014-02-28,,50000",
        "D,2000-03-01,2014-03-01,,99999999.99",
        "E,1980-01-01,2010-01-01,2020-01-01,0",
        header=header,
    )
    message = _problem(path)
    assert "row 1 (employee_id 'A'): gross_compensation: is 0 for an active employee" in message
    assert (
        "row 2 (employee_id 'B'): gross_compensation: 100000000 is $100,000,000 or more" in message
    )
    assert "row 3 (employee_id 'C'): hire_date: is before age 14" in message
    assert "row 4" not in message and "row 5" not in message
    assert message.count("problem(s)") == 1 and "3 problem(s)" in message


def test_unreadable_csv_names_the_line(tmp_path: Path) -> None:
    """A Latin-1 byte, an extra field, an open quote: the 1-based line of the file."""
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        f"{HEADER}\nA,1980-01-01,2010-01-01,5,0\nJos\xe9,1980-01-01,2010-01-01,5,0\n".encode(
            "latin-1"
        )
    )
    assert "line 3: byte 0xe9 is not UTF-8" in _problem(latin)
    extra = _csv(tmp_path, "A,1980-01-01,2010-01-01,5,0", "B,1980-01-01,2010-01-01,5,0,9")
    assert "line 3: 6 fields where the header has 5" in _problem(extra)
    quote = _csv(
        tmp_path,
        "A,1980-01-01,2010-01-01,5,0",
        '"B,1980-01-01,2010-01-01,5,0',
        "C,1980-01-01,2010-01-01,5,0",
    )
    assert "line 3:" in _problem(quote) and "quote" in _problem(quote)
    # a quote inside an unquoted field: Python's csv keeps it as text, Polars refuses the file
    stray = _csv(tmp_path, "A,1980-01-01,2010-01-01,5,0", 'E0,2000-01-01,0",0.000,0.00000')
    assert "line 3: a quote inside field 3" in _problem(stray)


def test_a_row_that_ends_early_is_refused_not_padded(tmp_path: Path) -> None:
    """Polars pads a short row with nulls: a row without its job_level field once loaded with
    a derived level. Counted outside quotes: a quoted comma is part of its value."""
    header = f"{HEADER},job_level"
    short = _csv(
        tmp_path,
        '"A,1",1980-01-01,2010-01-01,5,0,1',
        "B,1980-01-01,2010-01-01,5,0",
        header=header,
    )
    assert "line 3: 5 fields where the header has 6" in _problem(short)
    quoted = _csv(tmp_path, '"A,1",1980-01-01,2010-01-01,5,0,1', header=header)
    assert load_census(quoted, 2025, CONFIG)["employee_id"].to_list() == ["A,1"]


def test_blank_lines_are_skipped_and_rows_counted_without_them(tmp_path: Path) -> None:
    """An editor's extra newlines at the end, or a blank line between rows (CRLF too), are no
    rows: they once failed the census as rows with every value empty."""
    path = tmp_path / "census.csv"
    rows = ["A,1980-01-01,2010-01-01,5,0", "", "B,1980-01-01,2010-01-01,5,0", "\r", "", ""]
    path.write_text("\n".join([HEADER, *rows]), encoding="utf-8")
    assert load_census(path, 2025, CONFIG)["employee_id"].to_list() == ["A", "B"]
    bad = _csv(tmp_path, "A,1980-01-01,2010-01-01,5,0", "", "", "C,1980-01-01,2010-01-01,x,0")
    assert "row 2 (employee_id 'C'): gross_compensation: x is not a number" in _problem(bad)


def test_a_value_over_two_lines_keeps_its_row(tmp_path: Path) -> None:
    """A quoted value holding a line end: the lines are not the rows, nothing is dropped."""
    path = _csv(tmp_path, '"A\nB",1980-01-01,2010-01-01,5,0', "C,1980-01-01,2010-01-01,5,0")
    assert load_census(path, 2025, CONFIG)["employee_id"].to_list() == ["A\nB", "C"]


def test_header_only_nested_values_and_folders_are_named(tmp_path: Path) -> None:
    assert "has a header and no rows" in _problem(_csv(tmp_path))
    nested = tmp_path / "nested.parquet"
    pl.DataFrame(
        {
            "employee_id": ["A"],
            "birth_date": [dt.date(1980, 1, 1)],
            "hire_date": [dt.date(2010, 1, 1)],
            "gross_compensation": [[1, 2]],
        }
    ).write_parquet(nested)
    assert "column gross_compensation holds List(Int64) values" in _problem(nested)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "is a folder" in _problem(folder)
