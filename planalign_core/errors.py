"""Errors a user can act on: each message names what is wrong (row, column, key, field)."""

from __future__ import annotations


class PlanalignError(Exception):
    """Base class: the CLI prints these as one clear message and exits with status 2."""


class EventValidationError(PlanalignError):
    """One or more events failed validation; ``problems`` lists (event, field path, reason)."""

    def __init__(
        self, problems: list[tuple[str, str, str]], total: int, count: int | None = None
    ) -> None:
        """``count``: how many problems there are, when ``problems`` keeps only the first."""
        self.problems = problems
        self.total = total
        self.count = len(problems) if count is None else count
        shown = "\n".join(
            f"  event {where}: {field}: {reason}" for where, field, reason in problems[:20]
        )
        more = f"\n  ... and {self.count - 20} more" if self.count > 20 else ""
        super().__init__(
            f"{self.count} problem(s) in a batch of {total} events; nothing was written:\n"
            f"{shown}{more}"
        )


class ConfigError(PlanalignError):
    """A configuration file or value is invalid; the message names the key."""


class CensusError(PlanalignError):
    """A census file is invalid; the message names rows and columns."""


class StoreError(PlanalignError):
    """The DuckDB file cannot be used (locked, missing table, incompatible layout)."""


class SweepError(PlanalignError):
    """A sweep cannot start or go on (bad seeds or scenario, an output folder made from other
    inputs, failed runs); the message names the scenario, seed or manifest field."""


class PlanalignWarning(UserWarning):
    """Something the user should know that does not stop the run; the CLI prints it."""


class CensusWarning(PlanalignWarning):
    """A census file loads, with something left out (its ignored columns are named)."""
