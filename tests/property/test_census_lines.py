"""A CSV census's field counts (``census.reading``): Polars pads a row that ends early, so the
reader counts each line's fields itself (commas outside quotes, in Polars) and lets Python's
``csv`` module decide whenever a line looks short or a quoted value runs over a line end. Checked
against ``csv`` over random files: every row that ends early is refused by its line, and a file
whose rows are whole loads with one row per record, blank lines (white space only) skipped."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planalign_core.census.reading import read
from planalign_core.errors import CensusError

HEADER = ["employee_id", "birth_date", "hire_date", "gross_compensation"]
VALUES = st.one_of(
    st.sampled_from(["E1", "1980-01-01", "50000.00", "", "a,b", 'say "hi"', "x\ny", " "]),
    st.text(alphabet="ab,\"' 0", max_size=6),
)


@st.composite
def census_files(draw: st.DrawFn) -> str:
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(1, 6))):
        row = [draw(VALUES) for _ in HEADER]
        if draw(st.integers(0, 3)) == 0:
            row = row[: draw(st.integers(1, len(HEADER) - 1))]  # ends early
        rows.append(row)
    out = io.StringIO()
    if draw(st.booleans()):
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows([HEADER, *rows])
    else:
        csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    lines = out.getvalue().split("\n")
    for _ in range(draw(st.integers(0, 2))):  # blank lines between rows (not inside a value)
        at = draw(st.integers(1, len(lines) - 1))
        if lines[at - 1].count('"') % 2 == 0 and "".join(lines[:at]).count('"') % 2 == 0:
            lines.insert(at, draw(st.sampled_from(["", " ", "\t"])))
    return "\n".join(lines)


@given(census_files())
def test_a_short_row_is_refused_by_its_line_and_whole_rows_load(text: str) -> None:
    records = _records(text)
    short = next((line for line, fields in records[1:] if 0 < fields < len(HEADER)), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "census.csv"
        path.write_text(text, encoding="utf-8")
        if short is not None:
            with pytest.raises(CensusError, match=rf"line {short}: \d+ fields? where"):
                read(path)
            return
        frame = read(path)
    assert frame.height == sum(1 for _, fields in records[1:] if fields)


def _records(text: str) -> list[tuple[int, int]]:
    """Each record's first file line and field count as ``csv`` reads it, 0 fields for a blank
    line (nothing but white space on it, as the reader skips)."""
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    found, start = [], 1
    for record in reader:
        raw = "\n".join(lines[start - 1 : reader.line_num])
        found.append((start, 0 if not raw.strip() else len(record)))
        start = reader.line_num + 1
    return found
