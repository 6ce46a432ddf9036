"""Reading a census file: the raw frame, and which of its columns give which canonical column
(a misspelt one refused, the unused ones named in a warning). Values are checked by ``load``."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

from planalign_core.census.schema import CENSUS_COLUMNS, NESTED_TYPES
from planalign_core.errors import CensusError, CensusWarning


def read(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if not path.exists():
        raise CensusError(f"census file not found: {path}")
    if path.is_dir():
        raise CensusError(f"{path}: is a folder, not a census file")
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        where = _csv_problem(path) if suffix == ".csv" else None
        reason = where or f"cannot be read: {str(exc).splitlines()[0]}"
        raise CensusError(f"{path}: {reason}; nothing was written") from None
    raise CensusError(f"{path}: unsupported census format {suffix!r} (use .csv or .parquet)")


def _read_csv(path: Path) -> pl.DataFrame:
    """The CSV as text columns, one row per record. Polars pads a row that ends early with
    nulls and reads a blank line as a row of nulls: a short row is refused, named by its line
    (its missing values would have become defaults: a missing ``job_level`` is derived), and
    blank lines are skipped, as CSV readers do (an editor's extra newline at the end)."""
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    lines = _lines(path, frame.width)
    if lines.select((pl.col("short") | pl.col("open_quote")).any()).item():
        problem = _csv_problem(path)  # the exact scan, in Python, only for such files
        if problem is not None:
            raise CensusError(f"{path}: {problem}; nothing was written")
    if lines.height == frame.height:  # one row per line
        return frame.filter(~lines["blank"])
    # a quoted value runs over a line end, so rows are not lines: Python's csv module (run only
    # for such files) says which records are blank lines, one per row Polars read
    try:
        blank = [is_blank for _, _, is_blank in _records(path.read_text(encoding="utf-8"))][1:]
    except _RecordError:  # Polars read it, Python's stricter reader did not: keep it
        return frame
    return frame.filter(~pl.Series(blank)) if len(blank) == frame.height else frame


class _RecordError(Exception):
    """Python's csv module refused the record starting at ``line``."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _records(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """Each record as Python's csv module reads it: its first 1-based line, its fields, and
    whether it is a blank line (white space only), which the reader skips."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines = text.split("\n")
    start = 1
    try:
        for row in reader:
            yield start, row, not "".join(lines[start - 1 : reader.line_num]).strip()
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _RecordError(start, str(exc)) from None


def _lines(path: Path, width: int) -> pl.DataFrame:
    """Each line after the header: ``blank``, ``short`` (fewer fields than the header's
    ``width``: commas outside quoted values) and ``open_quote`` (an odd number of quotes: a
    quoted value runs over the line end, which the count cannot follow). Quoted values are
    cut out only in a file that has a quote (most have none: 10 % of a 100k-row load)."""
    lines = pl.read_lines(path).slice(1)
    line = pl.col("line").str.strip_chars_end("\r")
    blank = line.str.strip_chars() == ""
    quotes = line.str.count_matches('"', literal=True)
    quoted = lines.select(pl.col("line").str.contains('"', literal=True).any()).item()
    unquoted = line.str.replace_all(r'"[^"]*"', "") if quoted else line
    fields = unquoted.str.count_matches(",", literal=True) + 1
    return lines.select(
        blank.alias("blank"),
        (~blank & (fields < width)).alias("short"),
        (quotes % 2 == 1).alias("open_quote"),
    )


def _csv_problem(path: Path) -> str | None:
    """Where a CSV goes wrong, by 1-based line: a byte that is not UTF-8, a row whose field
    count differs from the header's (a blank line is no row), a quote left open. Polars' own
    message has no line and may advise an option a CLI user cannot set, and it pads a short
    row; this scan runs only on Polars' error or a line that looks short."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (
            f"line {line}: byte 0x{data[exc.start]:02x} is not UTF-8 text (save the file as UTF-8)"
        )
    if not text.strip():
        return "is empty: no header row (see docs/rules.md, 'Loading a census file')"
    header: list[str] | None = None
    try:
        for start, row, blank in _records(text):
            if header is None:
                header = row
            elif not blank and len(row) != len(header):
                hint = (
                    "a comma inside a value must be quoted"
                    if len(row) > len(header)
                    else "a value left out still needs its comma: write an empty field"
                )
                fields = "field" if len(row) == 1 else "fields"
                return (
                    f"line {start}: {len(row)} {fields} where the header has {len(header)} ({hint})"
                )
    except _RecordError as exc:
        return f"line {exc.line}: {exc} (a quote opened here is not closed, or is stray)"
    return _stray_quote(text)


def _stray_quote(text: str) -> str | None:
    """A quote inside a field that does not start with one (``0",1``): Python's csv module
    keeps it as text, Polars refuses the file. Only lines holding a quote are scanned."""
    quoted = False
    for number, line in enumerate(text.splitlines(), start=1):
        if '"' not in line and not quoted:
            continue
        field, start, at = 1, not quoted, 0
        while at < len(line):
            char = line[at]
            if quoted:
                if char == '"' and line[at + 1 : at + 2] == '"':
                    at += 1  # an escaped quote
                elif char == '"':
                    quoted = False
            elif char == ",":
                field, start = field + 1, True
                at += 1
                continue
            elif char == '"':
                if not start:
                    return (
                        f"line {number}: a quote inside field {field}, which does not start "
                        "with one (quote the whole value and double the quote inside)"
                    )
                quoted = True
            start = False
            at += 1
    return None


def map_columns(path: Path, raw: pl.DataFrame) -> dict[str, str]:
    """canonical name -> the file's column name, or an error naming what is missing."""
    frame = raw
    by_normal: dict[str, str] = {}
    for name in frame.columns:
        by_normal.setdefault(name.strip().lower(), name)
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for column in CENSUS_COLUMNS:
        present = [by_normal[a] for a in column.aliases if a in by_normal]
        if len(present) > 1:
            problems.append(f"columns {present} all give {column.name}; keep one")
        elif present:
            mapping[column.name] = present[0]
        elif column.required:
            problems.append(
                f"missing required column {column.name} (accepted names: "
                f"{', '.join(column.aliases)})"
            )
    problems += _misspelt(frame.columns, by_normal, mapping)
    if problems:
        raise CensusError(f"{path}: " + "; ".join(problems) + "; nothing was written")
    problems = [
        f"column {mapping[c]} holds {raw.schema[mapping[c]]} values, not one value per row"
        for c in mapping
        if isinstance(raw.schema[mapping[c]], NESTED_TYPES)
    ]
    if problems:
        raise CensusError(f"{path}: " + "; ".join(problems) + "; nothing was written")
    ignored = [name for name in frame.columns if name not in mapping.values()]
    if ignored:
        warnings.warn(
            f"{path}: column(s) not used by planalign, ignored: {', '.join(ignored)}",
            CensusWarning,
            stacklevel=3,
        )
    return mapping


def _misspelt(
    columns: Sequence[str], by_normal: dict[str, str], mapping: dict[str, str]
) -> list[str]:
    """An unknown column that looks like an absent canonical one (a stem of its name among the
    column's words: ``employee_term_date``) is refused: ignoring it would change results."""
    used = set(mapping.values())
    problems = []
    for name in columns:
        if name in used or by_normal.get(name.strip().lower()) != name:
            continue
        words = name.strip().lower().replace("-", "_").replace(" ", "_").split("_")
        for column in CENSUS_COLUMNS:
            if column.name in mapping:
                continue
            if any(w.startswith(stem) for w in words for stem in column.stems):
                problems.append(
                    f"column {name!r} is not a census column; if it is {column.name}, rename it "
                    f"to one of {', '.join(column.aliases)}; otherwise remove it"
                )
                break
    return problems
