"""planalign_core: exact, fast core of a US 401(k) workforce simulator."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    # importlib.metadata costs ~50 ms to import and search: only when the version is asked for
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("planalign-core")
    except PackageNotFoundError:  # running from a source tree without an install
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'planalign_core' has no attribute {name!r}")


__all__ = ["__version__"]
