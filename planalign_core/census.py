"""The census: the workforce at the census date, loaded from a user's file or synthesised.

Both paths return the same normalised frame (:data:`CENSUS_SCHEMA`): exact integer pay in cents,
deferral rates in basis units, real dates, the ``employee_key`` of ``docs/rules.md``
("Identifiers"). A bad file raises one :class:`CensusError` naming every offending row and column;
nothing downstream runs, so nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from planalign_core.config import Config, units
from planalign_core.errors import CensusError, CensusWarning
from planalign_core.rng import RATE_SCALE, prefix_hash
from planalign_core.rules import calendar as cal
from planalign_core.rules import draws
from planalign_core.rules.calendar import census_date

CENSUS_SCHEMA = pl.Schema(
    {
        "employee_id": pl.String(),
        "employee_key": pl.Int64(),
        "birth_date": pl.Date(),
        "hire_date": pl.Date(),
        "termination_date": pl.Date(),
        "job_level": pl.Int16(),
        "compensation_cents": pl.Int64(),
        "deferral_units": pl.Int32(),
    }
)

NEW_HIRE_ID_PATTERN = r"^NH\d{4}_\d{7}$"
MAX_SYNTHETIC_EMPLOYEES = 9_999_999  # ids E0000001..E9999999 keep rank == number
CENSUS_SCHEMA_INPUTS = (
    "birth_date",
    "hire_date",
    "termination_date",
    "gross_compensation",
    "deferral_rate",
    "job_level",
)
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class CensusColumn:
    """A canonical column, the names it accepts, and the word stems that mark a misspelling of
    it (an unknown column holding one, while the column itself is absent, is refused)."""

    name: str
    aliases: tuple[str, ...]
    required: bool
    stems: tuple[str, ...] = ()


CENSUS_COLUMNS: tuple[CensusColumn, ...] = (
    CensusColumn("employee_id", ("employee_id", "id"), True),
    CensusColumn(
        "birth_date", ("birth_date", "employee_birth_date", "date_of_birth"), True, ("birth", "dob")
    ),
    CensusColumn("hire_date", ("hire_date", "employee_hire_date"), True, ("hire",)),
    CensusColumn(
        "termination_date",
        ("termination_date", "employee_termination_date"),
        False,
        ("term", "separation"),
    ),
    CensusColumn(
        "gross_compensation",
        (
            "gross_compensation",
            "employee_gross_compensation",
            "annual_compensation",
            "employee_annual_compensation",
            "compensation",
        ),
        True,
        ("comp", "pay", "salary", "wage"),
    ),
    CensusColumn("deferral_rate", ("deferral_rate", "employee_deferral_rate"), False, ("defer",)),
    CensusColumn(
        "job_level", ("job_level", "employee_job_level", "level"), False, ("level", "grade")
    ),
)
# Plausibility bounds of a loaded census (docs/rules.md, "Loading a census file"): not rules of
# the simulation, so not configuration; a row past them is refused, not silently simulated.
YOUNGEST_HIRE_AGE = 14  # the youngest working age under US federal child-labour law
MAX_PAY_CENTS = 100_000_000 * 100 - 1  # pay at or above $100 million a year is a typo
NESTED_TYPES = (pl.List, pl.Array, pl.Struct, pl.Object, pl.Binary)


# --- loading ------------------------------------------------------------------------------


def _read(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if not path.exists():
        raise CensusError(f"census file not found: {path}")
    if path.is_dir():
        raise CensusError(f"{path}: is a folder, not a census file")
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema=False, encoding="utf8")
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        where = _csv_problem(path) if suffix == ".csv" else None
        reason = where or f"cannot be read: {str(exc).splitlines()[0]}"
        raise CensusError(f"{path}: {reason}; nothing was written") from None
    raise CensusError(f"{path}: unsupported census format {suffix!r} (use .csv or .parquet)")


def _csv_problem(path: Path) -> str | None:
    """Where a CSV that Polars refused goes wrong, by 1-based line: a byte that is not UTF-8, a
    row whose field count differs from the header's, a quote left open. Polars' own message has
    no line and may advise an option a CLI user cannot set; this scan runs only on that error."""
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
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            if header is None:
                header = row
            elif row and len(row) != len(header):
                return (
                    f"line {start}: {len(row)} fields where the header has {len(header)} "
                    "(a comma inside a value must be quoted)"
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        return f"line {start}: {exc} (a quote opened here is not closed, or is stray)"
    return None


def _map_columns(path: Path, raw: pl.DataFrame) -> dict[str, str]:
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


def _as_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    text = column if dtype == pl.String else column.cast(pl.String)
    text = text.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _as_date(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return column
    if isinstance(dtype, pl.Datetime):
        return column.dt.date()
    return _as_text(column, dtype).str.to_date("%Y-%m-%d", strict=False)


def _scaled(text: pl.Expr, places: int) -> tuple[pl.Expr, pl.Expr]:
    """Exact decimal text -> (integer in units of 10**-places, rounded half up; is negative).

    Half up on the decimal expansion: the first dropped digit decides (>= 5 rounds up).
    Unparseable text gives a null value.
    """
    parts = text.str.extract_groups(r"^([+-]?)(\d{0,12})(?:\.(\d*))?$")
    sign, whole, fraction = (parts.struct.field(f) for f in ("1", "2", "3"))
    fraction = fraction.fill_null("")
    digits = fraction.str.pad_end(places + 1, "0")
    valid = whole.is_not_null() & ((whole != "") | (fraction != ""))
    whole_value = pl.when(whole == "").then(0).otherwise(whole.cast(pl.Int64, strict=False))
    kept = digits.str.slice(0, places).cast(pl.Int64) if places else pl.lit(0, pl.Int64)
    round_up = (digits.str.slice(places, 1) >= "5").cast(pl.Int64)
    value = whole_value * 10**places + kept + round_up
    value = pl.when(valid).then(value).otherwise(None)
    return value, valid & (sign == "-") & (value > 0)


def _problems(frame: pl.DataFrame, checks: Sequence[tuple[pl.Expr, str, pl.Expr]]) -> list[str]:
    """One line per (row, column) whose check fails: ``row N (employee_id X): column: why``."""
    parts = [
        frame.filter(failed).select(
            "__row", pl.col("__id"), pl.lit(column).alias("column"), message.alias("message")
        )
        for failed, column, message in checks
    ]
    found = pl.concat(parts).sort("__row", maintain_order=True)
    return [
        f"row {row} (employee_id {ident!r}): {column}: {message}"
        for row, ident, column, message in found.iter_rows()
    ]


def load_census(path: Path | str, start_year: int, config: Config) -> pl.DataFrame:
    """Read, validate and normalise a CSV / Parquet census (rules, "Loading a census file")."""
    path = Path(path)
    raw = _read(path)
    mapping = _map_columns(path, raw)
    dtypes = {canon: raw.schema[name] for canon, name in mapping.items()}
    c_date = census_date(start_year)
    max_units = units(config.enrollment.max_deferral_rate)

    def col(name: str) -> pl.Expr:
        return pl.col(mapping[name])

    def raw_text(name: str) -> pl.Expr:
        return _as_text(col(name), dtypes[name]) if name in mapping else pl.lit(None, pl.String)

    pay, pay_negative = _scaled(raw_text("gross_compensation"), 2)
    rate, rate_negative = _scaled(raw_text("deferral_rate"), 4)
    has = set(mapping)
    frame = raw.select(
        pl.int_range(1, pl.len() + 1).alias("__row"),
        raw_text("employee_id").alias("__id"),
        *(raw_text(c).alias(f"__raw_{c}") for c in CENSUS_SCHEMA_INPUTS),
        *(
            (_as_date(col(c), dtypes[c]) if c in has else pl.lit(None, pl.Date)).alias(c)
            for c in ("birth_date", "hire_date", "termination_date")
        ),
        pay.alias("compensation_cents"),
        pay_negative.alias("__pay_negative"),
        rate.alias("deferral_units"),  # null until checked: unparsable text is an error
        rate_negative.alias("__rate_negative"),
        raw_text("job_level").cast(pl.Int64, strict=False).alias("job_level"),
    )
    frame = frame.with_columns(
        pl.col("__row").min().over("__id").alias("__first_row"),
        pl.len().over("__id").alias("__copies"),
    )
    problems = _problems(frame, _checks(frame, c_date, max_units, config.max_level))
    if frame.height == 0:
        problems = ["has a header and no rows: no employee to simulate"]
    elif not problems and frame.filter(pl.col("termination_date").is_null()).height == 0:
        problems = ["no active employee (every row has a termination_date)"]
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise CensusError(
            f"{path}: {len(problems)} problem(s); nothing was written:\n  "
            + "\n  ".join(shown)
            + tail
        )
    return _normalise(frame.rename({"__id": "employee_id"}), config)


def _checks(
    frame: pl.DataFrame, c_date: dt.date, max_units: int, max_level: int
) -> list[tuple[pl.Expr, str, pl.Expr]]:
    """(failed, column, message) for every rule of "Loading a census file"."""

    def raw(name: str) -> pl.Expr:
        return pl.col(f"__raw_{name}")

    def unparsed(name: str, parsed: str) -> pl.Expr:
        return raw(name).is_not_null() & pl.col(parsed).is_null()

    def quoted(name: str, why: str) -> pl.Expr:
        return pl.format("{} " + why, raw(name).fill_null(""))

    birth, hire, term = pl.col("birth_date"), pl.col("hire_date"), pl.col("termination_date")
    level = pl.col("job_level")
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col("__id").is_null(), "employee_id", pl.lit("is empty")),
        (
            pl.col("__copies") > 1,
            "employee_id",
            pl.format("is duplicated (first seen in row {})", pl.col("__first_row")),
        ),
        (
            pl.col("__id").str.contains(NEW_HIRE_ID_PATTERN).fill_null(False),
            "employee_id",
            pl.lit("has the form reserved for simulated new hires (NHyyyy_nnnnnnn)"),
        ),
    ]
    for name in ("birth_date", "hire_date"):
        checks.append((raw(name).is_null(), name, pl.lit("is empty (a date, YYYY-MM-DD)")))
    for name in ("birth_date", "hire_date", "termination_date"):
        checks.append((unparsed(name, name), name, quoted(name, "is not a date (YYYY-MM-DD)")))
    checks += [
        (
            raw("gross_compensation").is_null(),
            "gross_compensation",
            pl.lit("is empty (annual pay in dollars, e.g. 65000.00)"),
        ),
        (
            unparsed("gross_compensation", "compensation_cents"),
            "gross_compensation",
            quoted("gross_compensation", "is not a number (annual pay in dollars, e.g. 65000.00)"),
        ),
        (
            pl.col("__pay_negative"),
            "gross_compensation",
            quoted("gross_compensation", "is negative (annual pay is 0 or more)"),
        ),
        (hire <= birth, "hire_date", pl.lit("is not after birth_date")),
        (
            (hire > birth) & (hire < birth.dt.offset_by(f"{YOUNGEST_HIRE_AGE}y")),
            "hire_date",
            pl.lit(f"is before age {YOUNGEST_HIRE_AGE} (from birth_date): not a plausible hire"),
        ),
        (
            (pl.col("compensation_cents") == 0)
            & term.is_null()
            & raw("termination_date").is_null(),
            "gross_compensation",
            pl.lit("is 0 for an active employee (no termination_date); give the annual pay"),
        ),
        (
            pl.col("compensation_cents") > MAX_PAY_CENTS,
            "gross_compensation",
            quoted(
                "gross_compensation",
                f"is ${(MAX_PAY_CENTS + 1) // 100:,} or more a year: not a plausible pay",
            ),
        ),
        (hire > c_date, "hire_date", pl.lit(f"is after the census date {c_date}")),
        (term < hire, "termination_date", pl.lit("is before hire_date")),
        (term > c_date, "termination_date", pl.lit(f"is after the census date {c_date}")),
        (
            unparsed("deferral_rate", "deferral_units"),
            "deferral_rate",
            quoted("deferral_rate", "is not a number (a fraction of pay, e.g. 0.06 for 6 %)"),
        ),
        (
            pl.col("__rate_negative"),
            "deferral_rate",
            quoted("deferral_rate", "is negative (a fraction of pay, 0 or more)"),
        ),
        (
            pl.col("deferral_units") > max_units,
            "deferral_rate",
            quoted(
                "deferral_rate", f"exceeds enrollment.max_deferral_rate ({max_units / RATE_SCALE})"
            ),
        ),
        (
            raw("job_level").is_not_null() & ~level.is_between(1, max_level).fill_null(False),
            "job_level",
            quoted("job_level", f"is not a level in 1..{max_level}"),
        ),
    ]
    return [(failed.fill_null(False), column, message) for failed, column, message in checks]


def _level_from_pay(config: Config, cents: pl.Expr) -> pl.Expr:
    """The lowest level whose ``pay_max`` covers the pay, else the top level."""
    chain = pl.lit(config.max_level, dtype=pl.Int64)
    for lv in reversed(config.levels):
        chain = pl.when(cents <= lv.pay_max * 100).then(lv.level).otherwise(chain)
    return chain


def _normalise(frame: pl.DataFrame, config: Config) -> pl.DataFrame:
    return frame.select(
        "employee_id",
        pl.col("employee_id").rank("ordinal").cast(pl.Int64).alias("employee_key"),
        "birth_date",
        "hire_date",
        "termination_date",
        pl.coalesce(pl.col("job_level"), _level_from_pay(config, pl.col("compensation_cents")))
        .cast(pl.Int16)
        .alias("job_level"),
        pl.col("compensation_cents").cast(pl.Int64),
        pl.col("deferral_units").fill_null(0).cast(pl.Int32),  # an empty rate is 0
    ).sort("employee_key")


# --- synthesis ----------------------------------------------------------------------------

CENSUS_STREAMS = {
    "u_level": 101,
    "u_age": 102,
    "u_birth": 103,
    "u_tenure_a": 104,
    "u_tenure_b": 105,
    "u_hire": 106,
    "u_pay": 107,
    "u_participates": 108,
    "u_rate": 109,
}


def _by_level(values: Sequence[int]) -> pl.Expr:
    return pl.col("job_level").replace_strict(
        list(range(1, len(values) + 1)), list(values), return_dtype=pl.Int64
    )


def synthesize_census(employees: int, seed: int, start_year: int, config: Config) -> pl.DataFrame:
    """A seeded census of ``employees`` active employees (rules, "Synthesising a census")."""
    if not 1 <= employees <= MAX_SYNTHETIC_EMPLOYEES:
        raise CensusError(f"--employees must be in 1..{MAX_SYNTHETIC_EMPLOYEES}, got {employees}")
    c_date = census_date(start_year)
    cy = c_date.year
    levels = config.levels
    voluntary = config.enrollment.voluntary.deferral_rates
    frame = pl.LazyFrame().select(pl.int_range(1, employees + 1, dtype=pl.Int64).alias("k"))
    frame = draws.with_base(frame, prefix_hash(seed, 0), "k", 0)
    frame = draws.with_streams(frame, CENSUS_STREAMS)
    frame = frame.with_columns(
        draws.weighted(
            "u_level", [lv.level for lv in levels], [units(lv.census_weight) for lv in levels]
        )
        .cast(pl.Int16)
        .alias("job_level")
    )
    age_min = _by_level([lv.census_age_min for lv in levels])
    age_span = _by_level([lv.census_age_max - lv.census_age_min + 1 for lv in levels])
    frame = frame.with_columns((age_min + draws.bounded("u_age", age_span)).alias("age"))
    birth_year = cy - pl.col("age")
    tenure_cap = pl.min_horizontal(
        _by_level([lv.census_max_tenure for lv in levels]),
        pl.col("age") - config.census.min_hire_age,
    )
    frame = frame.with_columns(
        cal.add_days(
            cal.year_start(birth_year),
            draws.bounded("u_birth", cal.days_in_year(birth_year)),
        ).alias("birth_date"),
        pl.min_horizontal(
            draws.bounded("u_tenure_a", tenure_cap + 1),
            draws.bounded("u_tenure_b", tenure_cap + 1),
        ).alias("tenure"),
    )
    hire_year = cy - pl.col("tenure")
    pay_min = _by_level([lv.pay_min for lv in levels])
    pay_span = _by_level([lv.pay_max - lv.pay_min + 1 for lv in levels])
    frame = frame.with_columns(
        cal.add_days(
            cal.year_start(hire_year), draws.bounded("u_hire", cal.days_in_year(hire_year))
        ).alias("hire_date"),
        ((pay_min + draws.bounded("u_pay", pay_span)) * 100).alias("compensation_cents"),
    )
    entry = cal.plan_entry(config, pl.col("birth_date"), pl.col("hire_date"))
    participates = (entry <= c_date) & draws.happens(
        "u_participates", units(config.census.initial_participation_rate)
    )
    rate = draws.weighted(
        "u_rate", [units(c.rate) for c in voluntary], [units(c.weight) for c in voluntary]
    )
    frame = frame.select(
        pl.format("E{}", pl.col("k").cast(pl.String).str.pad_start(7, "0")).alias("employee_id"),
        pl.col("k").alias("employee_key"),
        "birth_date",
        "hire_date",
        pl.lit(None, dtype=pl.Date).alias("termination_date"),
        "job_level",
        "compensation_cents",
        pl.when(participates).then(rate).otherwise(0).cast(pl.Int32).alias("deferral_units"),
    )
    return frame.collect().cast(dict(CENSUS_SCHEMA))  # type: ignore[arg-type]
