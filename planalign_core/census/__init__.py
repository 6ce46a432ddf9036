"""The census: the workforce at the census date, loaded from a user's file or synthesised.

Both paths return the same normalised frame (:data:`CENSUS_SCHEMA`): exact integer pay in cents,
deferral rates in basis units, real dates, the ``employee_key`` of ``docs/rules.md``
("Identifiers"). A bad file raises one :class:`CensusError` naming every offending row and column;
nothing downstream runs, so nothing is written.

The package: ``schema`` (the layout, the accepted columns, the bounds), ``reading`` (a file to a
raw frame and its column mapping), ``load`` (values checked and normalised), ``synthesis``.
"""

from __future__ import annotations

from planalign_core.census.load import load_census
from planalign_core.census.schema import (
    CENSUS_COLUMNS,
    CENSUS_SCHEMA,
    MAX_SYNTHETIC_EMPLOYEES,
    NEW_HIRE_ID_PATTERN,
    CensusColumn,
)
from planalign_core.census.synthesis import CENSUS_STREAMS, synthesize_census

__all__ = [
    "CENSUS_COLUMNS",
    "CENSUS_SCHEMA",
    "CENSUS_STREAMS",
    "MAX_SYNTHETIC_EMPLOYEES",
    "NEW_HIRE_ID_PATTERN",
    "CensusColumn",
    "load_census",
    "synthesize_census",
]
