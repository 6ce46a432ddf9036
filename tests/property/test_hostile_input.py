"""Hostile text into the census and config loaders (issue "Hostile input"): every case is a clean
load whose values round-trip, or a planalign error that names the file and where in it; never
another exception, never a silent change of a value."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given

from planalign_core.census import CENSUS_SCHEMA, load_census
from planalign_core.config import load_config
from planalign_core.errors import CensusError, ConfigError

CONFIG = load_config()
HEADER = ["employee_id", "birth_date", "hire_date", "gross_compensation", "deferral_rate"]
# Where a census error points: a data row, a file line, a column, or the file as a whole.
LOCATED = re.compile(
    r"row \d+ \(employee_id|line \d+:|column|missing required"
    r"|no rows|no active|is a folder|is empty"
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["", " ", "6%", "0,06", "abc", "1e5", "-0", "NaN", "inf", '"', ",", "\n"]),
    st.sampled_from(["9" * 30, "999999999999.99", "0.000001", "+5", "1980-02-30"]),
    st.sampled_from(["٣", "0.٣", "1.2٣"]),  # another script's digits
    st.text(max_size=12),
)
DATE = st.dates().map(str)
PAY = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False).map(str)
RATE = st.decimals(min_value=0, max_value=1, places=5, allow_nan=False).map(str)


@st.composite
def census_text(draw: st.DrawFn) -> bytes:
    """A CSV census: mostly well-formed rows with hostile fields, sometimes broken quoting,
    stray columns, rows that end early, blank lines, another encoding or raw bytes."""
    header = list(HEADER)
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["Department", "employee_term_date", "id", " pay "])))
    rows = []
    for number in range(draw(st.integers(0, 6))):
        valid = [f"E{number}", draw(DATE), draw(DATE), draw(PAY), draw(RATE)]
        row = [draw(st.one_of(st.just(v), HOSTILE_TEXT)) for v in valid]
        row += [draw(HOSTILE_TEXT)] * (len(header) - len(row))
        if draw(st.integers(0, 5)) == 0:  # a row that ends early, or a blank line
            row = row[: draw(st.integers(0, len(row) - 1))]
        rows.append(row)
    out = io.StringIO()
    if draw(st.booleans()):
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
    else:  # no quoting at all: commas, quotes and newlines in values break the layout
        out.write("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=200))
    return data


def _half_up(text: str, places: int) -> int | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return int((value * 10**places).to_integral_value(rounding=ROUND_HALF_UP))


@pytest.mark.filterwarnings("ignore::planalign_core.errors.CensusWarning")  # stray columns
@given(census_text())
def test_a_census_loads_exactly_or_is_refused_with_a_location(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "census.csv"
        path.write_bytes(data)
        try:
            census = load_census(path, 2025, CONFIG)
        except CensusError as exc:
            message = str(exc)
            assert str(path) in message
            assert LOCATED.search(message), message
            return
    # loaded: the schema, and every value equals its text (nothing turned into 0 or dropped)
    assert census.schema == CENSUS_SCHEMA
    source = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert census.height == len(source)
    by_id = {r["employee_id"]: r for r in census.iter_rows(named=True)}
    for row in source:
        loaded = by_id[row["employee_id"].strip()]
        assert loaded["compensation_cents"] == _half_up(row["gross_compensation"], 2)
        rate = row["deferral_rate"].strip()
        assert loaded["deferral_units"] == (_half_up(rate, 4) if rate else 0)


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n"]),
)
def test_a_short_row_is_named_by_its_line_and_blank_lines_are_no_rows(
    rows: list[tuple[int, int]], newline: str
) -> None:
    """Valid rows, some cut short (``kept`` of the 5 fields, 5 = whole), each followed by
    ``blanks`` blank lines: the first short row's line is named, else every row loads."""
    lines, first_short = [",".join(HEADER)], None
    for number, (cut, blanks) in enumerate(rows):
        fields = [f"E{number}", "1980-01-01", "2010-01-01", "50000.00", "0.05"]
        kept = len(fields) - cut if cut else len(fields)
        if kept < len(fields) and first_short is None:
            first_short = (len(lines) + 1, kept)
        lines += [",".join(fields[:kept]), *[""] * blanks]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "census.csv"
        path.write_text(newline.join(lines) + newline, encoding="utf-8", newline="")
        if first_short is not None:
            with pytest.raises(CensusError) as error:
                load_census(path, 2025, CONFIG)
            line, kept = first_short
            assert f"line {line}: {kept} field" in str(error.value)
            assert f"where the header has {len(HEADER)}" in str(error.value)
            return
        census = load_census(path, 2025, CONFIG)
    assert census["employee_id"].sort().to_list() == sorted(f"E{n}" for n in range(len(rows)))


TOML_PIECES = st.sampled_from(
    [
        "growth_rate = 0.03\n",
        'growth_rate = "fast"\n',
        '[enrollment.auto]\nenabled = "no"\n',
        "[escalation]\ncap = 0.9\n",
        "[match]\ntrue_up = 1\n",
        "[[levels]]\nlevel = 1\n",
        "unknown_key = 1\n",
        "growth_rate = 1e400\n",
        "growth_rate = 0.00001\n",
        "[escalation\n",
        'plan_design_id = "caf\u00e9"\n',
        "seed = 99999999999999999999999\n",
    ]
)


@given(
    st.lists(st.one_of(TOML_PIECES, st.text(max_size=20)), max_size=4),
    st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
def test_a_config_loads_or_is_refused_naming_the_file(pieces: list[str], encoding: str) -> None:
    """Loaded: the file's own values are kept (growth_rate as written); refused: the path."""
    text = "".join(pieces)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_bytes(text.encode(encoding, errors="replace"))
        try:
            config = load_config(path)
        except ConfigError as exc:
            assert str(path) in str(exc)
            return
    if text.startswith("growth_rate = 0.03\n") and encoding != "utf-16":
        assert config.growth_rate == Decimal("0.03")
