"""dbt's parsed manifest kept between processes, so that a run does not parse the project again.

Even from its partial-parse file dbt takes about 0.7 s to parse the project (it re-reads and
hashes every file, rebuilds the macro and node graph); loading the manifest it produced takes
0.02 s (28 November). The manifest is kept beside dbt's partial-parse file
(``dbt_session.cache_dir``), one file named for everything the parse depends on: the project's
path and files (``dbt_session.project_fingerprint``), the versions of dbt, its DuckDB adapter and
Python, and the settings the package parses with. Any of them changing names another file, and
the stale one is removed when the new one is written. A file that cannot be read, or that was not
written by this user, is ignored and the project is parsed as before.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

from planalign_core.engines.kept_files import keep_whole, read_own

PREFIX = "manifest-"
SUFFIX = ".pickle"


def manifest_key(project: Path, fingerprint: str, settings: Mapping[str, str]) -> str:
    """The name of the parse of ``project`` with these files and ``settings`` (environment
    values the parse sees) under the installed dbt and Python."""
    parts = [str(project), fingerprint, version("dbt-core"), version("dbt-duckdb"), sys.version]
    parts += [f"{name}={value}" for name, value in sorted(settings.items())]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def path_of(folder: Path, key: str) -> Path:
    return folder / f"{PREFIX}{key}{SUFFIX}"


def load(folder: Path, key: str) -> Any | None:
    """The manifest kept under ``key``, or None (none kept, unreadable, or another user's)."""
    return read_own(path_of(folder, key), pickle.load)


class _Pickler(pickle.Pickler):
    """Pickles a manifest as its attributes. dbt's own ``Manifest.__reduce_ex__`` passes them
    positionally and misses some (dbt 1.11: ``fixtures`` and later fields shift), so a manifest
    it restores resolves no ``ref`` once another manifest was used in the process."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj).__name__ == "Manifest" and type(obj).__module__ == _MANIFEST_MODULE:
            state = {name: value for name, value in vars(obj).items() if name != "_lock"}
            return restore, (type(obj), state)
        return NotImplemented


_MANIFEST_MODULE = "dbt.contracts.graph.manifest"


def restore(cls: type, state: dict[str, Any]) -> Any:
    """A manifest from its attributes, with a new lock (as dbt makes one when it loads)."""
    from dbt.mp_context import get_mp_context  # noqa: PLC0415 - dbt is imported on use

    manifest: Any = object.__new__(cls)
    vars(manifest).update(state)
    manifest._lock = get_mp_context().Lock()
    return manifest


def keep(folder: Path, key: str, manifest: Any) -> None:
    """Keep ``manifest`` under ``key`` (written whole or not at all) and remove the others."""

    def dump(stream: BinaryIO) -> None:
        _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(manifest)

    keep_whole(path_of(folder, key), dump, f"{PREFIX}*{SUFFIX}")
