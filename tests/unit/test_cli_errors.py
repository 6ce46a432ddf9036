"""The one-line messages of faults that are not the user's: DuckDB's errors, and DuckDB's own
internal faults named as such, with the cause a fatal error's first line leaves out."""

from __future__ import annotations

import duckdb
import pytest

from planalign_core.cli import _machine_error

# A fatal error as DuckDB 2.0.0 raised it in the SQL engine (docs/troubleshooting.md): the
# first line says only that the database was invalidated.
FATAL = (
    "FATAL Error: Failed: database has been invalidated because of a previous fatal error. "
    "The database must be restarted prior to being used again.\n"
    'Original error: "dict-surviving cache: global dictionary column 7 changed identity after '
    'being seeded for dictionary caching"'
)
INTERNAL = (
    "INTERNAL Error: dict-surviving cache: global dictionary column 2 changed identity\n\n"
    "Stack Trace:\n\n/lib/_duckdb.so(...) [0x7f50]\n"
)


def test_a_fatal_error_names_its_cause_as_duckdbs() -> None:
    message = _machine_error(duckdb.FatalException(FATAL))
    assert message is not None
    assert message.startswith(f"DuckDB {duckdb.__version__} failed inside (dict-surviving cache:")
    assert "column 7 changed identity" in message
    assert "invalidated" not in message and '"' not in message
    assert "not of the input" in message and "docs/troubleshooting.md" in message


def test_an_internal_error_keeps_its_first_line_not_the_stack() -> None:
    message = _machine_error(duckdb.InternalException(INTERNAL))
    assert message is not None
    cause = "INTERNAL Error: dict-surviving cache: global dictionary column 2 changed identity"
    assert f"({cause})" in message
    assert "Stack Trace" not in message and "0x7f50" not in message


@pytest.mark.parametrize(
    "error",
    [
        duckdb.CatalogException("Catalog Error: Table with name x does not exist!\nDid you mean y"),
        duckdb.IOException('IO Error: Could not read from file "/tmp": Is a directory'),
    ],
)
def test_other_duckdb_errors_keep_their_first_line(error: duckdb.Error) -> None:
    first = str(error).splitlines()[0]
    assert _machine_error(error) == f"DuckDB: {first}"


def test_a_bug_is_not_a_machine_error() -> None:
    assert _machine_error(ValueError("a bug keeps its traceback")) is None
