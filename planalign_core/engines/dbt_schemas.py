"""dbt's JSON schemas kept between processes, so that a run's first invocation does not build them.

dbt checks its project file, its flags and the profile against JSON schemas that it builds from
its dataclasses with mashumaro, once a process (``dbtClassMixin.json_schema``): 0.35 s of the
first invocation's 1.0 s of dbt's own time at 5k x 5 (28 November, py-spy). A schema depends on
the installed dbt packages, mashumaro and Python only, so it is kept in :func:`cache_dir`, one
JSON file named for those versions; a schema the file lacks is built as dbt builds it and added.
A file that cannot be read, or that was not written by this user, is ignored (and replaced).
Where dbt's method is not the cached class method this module knows, dbt is left alone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from planalign_core.engines.kept_files import keep_whole, read_own

PREFIX = "json-schemas-"
SUFFIX = ".json"
# What a schema is built from: dbt's classes (core, common, adapters, the DuckDB credentials)
# and the library that turns them into JSON schemas.
PACKAGES = ("dbt-core", "dbt-common", "dbt-adapters", "dbt-duckdb", "mashumaro")

_ORIGINAL: dict[str, Any] = {}  # dbt's own ``json_schema`` while ours is installed


def schemas_key() -> str:
    """The name of the schemas of the installed packages under this Python."""
    parts = [*(f"{name}={version(name)}" for name in PACKAGES), sys.version]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def path_of(folder: Path) -> Path:
    return folder / f"{PREFIX}{schemas_key()}{SUFFIX}"


def install(folder: Path | None) -> None:
    """Make dbt read its schemas from ``folder``'s file (None: no cache, nothing changes)."""
    from dbt_common.dataclass_schema import dbtClassMixin  # noqa: PLC0415 - dbt is heavy

    current = dbtClassMixin.__dict__.get("json_schema")
    # dbt's own: a class method over an lru_cache (built once a process)
    build: Any = getattr(current, "__func__", None)
    if folder is None or _ORIGINAL or not callable(getattr(build, "cache_info", None)):
        return
    path = path_of(folder)
    kept = _load(path)

    def json_schema(cls: type) -> Any:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in kept:
            return kept[name]
        schema = build(cls)
        if _plain_json(schema):  # else built again by the next process, as dbt does
            kept[name] = schema
            _write(path, kept)
        return schema

    _ORIGINAL["json_schema"] = current
    dbtClassMixin.json_schema = classmethod(json_schema)  # type: ignore[assignment,method-assign]


def uninstall() -> None:
    """Give dbt its own method back (tests; a process that installed keeps it otherwise)."""
    original = _ORIGINAL.pop("json_schema", None)
    if original is None:
        return
    from dbt_common.dataclass_schema import dbtClassMixin  # noqa: PLC0415

    dbtClassMixin.json_schema = original  # type: ignore[method-assign]


def _plain_json(schema: Any) -> bool:
    """Whether ``schema`` comes back from its JSON text as it is (what a later process reads)."""
    try:
        return bool(json.loads(json.dumps(schema)) == schema)
    except (TypeError, ValueError):
        return False


def _load(path: Path) -> dict[str, Any]:
    loaded = read_own(path, json.load)
    return loaded if isinstance(loaded, dict) else {}


def _write(path: Path, kept: dict[str, Any]) -> None:
    keep_whole(path, lambda stream: stream.write(json.dumps(kept).encode()), f"{PREFIX}*{SUFFIX}")
