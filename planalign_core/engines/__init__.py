"""Engines: each one translates ``docs/rules.md`` into one technology.

``polars`` (``engines.polars_engine``) computes in Polars; the SQL engine lives in ``dbt/``.
The CLI's ``--engine`` chooses among :data:`ENGINE_NAMES`.
"""

from __future__ import annotations

ENGINE_NAMES: tuple[str, ...] = ("polars",)

__all__ = ["ENGINE_NAMES"]
