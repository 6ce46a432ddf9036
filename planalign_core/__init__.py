"""planalign_core: exact, fast core of a US 401(k) workforce simulator."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("planalign-core")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
