"""Shared test set-up: hypothesis profiles and small fixtures.

``HYPOTHESIS_PROFILE`` picks the profile: ``dev`` (default; fast, for the edit-test loop) or
``ci`` (hypothesis's own default of 100 examples a property: 150 took the fresh-clone CI past
its 15-minute budget on 2 cores, docs/benchmarks.md "Budget"). Both have no deadline: engine
work on a loaded machine varies in time, and a flaky deadline would only measure the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh DuckDB file (not created yet)."""
    return tmp_path / "planalign.duckdb"
