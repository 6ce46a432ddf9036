"""The census's normalised layout, its accepted columns and the plausibility bounds of a file."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

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
NESTED_TYPES = (pl.List, pl.Array, pl.Struct, pl.Object, pl.Binary)
