"""Engines: each one translates ``docs/rules.md`` into one technology.

``polars`` (``engines.polars_engine``) computes in Polars; ``dbt`` runs the SQL project in
``dbt/`` (``engines.dbt_driver``).
The CLI's ``--engine`` chooses among :data:`ENGINE_NAMES`.
"""

from __future__ import annotations

ENGINE_NAMES: tuple[str, ...] = ("polars", "dbt")

__all__ = ["ENGINE_NAMES"]
