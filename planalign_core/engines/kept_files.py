"""Files the dbt engine keeps between processes (its parsed manifest, dbt's JSON schemas): read
only when this user wrote them, written whole or not at all, one file of a family at a time.

They are caches: whatever is wrong with one (absent, unreadable, another user's, half-written
by a process that died) is a miss, and the caller builds what it held instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO


def read_own(path: Path, read: Callable[[BinaryIO], Any]) -> Any | None:
    """``read`` of ``path``'s stream, or None: no such file, another user's, or unreadable."""
    try:
        if path.stat().st_uid != os.getuid():
            return None
        with path.open("rb") as stream:
            return read(stream)
    except Exception:  # a cache: whatever is wrong with it, build its content instead
        return None


def keep_whole(path: Path, write: Callable[[BinaryIO], object], family: str) -> bool:
    """Write ``path`` through ``write`` atomically (a concurrent process reads the old file or
    the new one, never half), readable by this user only; then remove the family's other files
    (``family``: a glob in the same folder, stale keys). False when it could not be kept."""
    fresh = path.with_name(f".{os.getpid()}{path.suffix}")
    try:
        with fresh.open("wb") as stream:
            write(stream)
        os.chmod(fresh, 0o600)
        os.replace(fresh, path)
    except Exception:  # not kept: the next process builds it again, as without the cache
        fresh.unlink(missing_ok=True)
        return False
    for other in path.parent.glob(family):
        if other.name != path.name:
            other.unlink(missing_ok=True)
    return True
