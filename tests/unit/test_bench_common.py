"""The asv suite's data module and switches (benchmarks/common.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from benchmarks import common


def test_require_skips_what_a_commit_lacks() -> None:
    """A missing module or attribute is a skip (NotImplementedError), not a failure."""
    with pytest.raises(NotImplementedError, match=r"planalign_core\.no_such_module"):
        common.require("planalign_core.no_such_module", "anything")
    with pytest.raises(NotImplementedError, match=r"rng\.no_such_function"):
        common.require("planalign_core.rng", "no_such_function")
    assert common.require("planalign_core.rng", "draw") is not None


def test_require_lets_a_real_import_error_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module that exists but imports something missing is broken: that must fail loudly."""
    (tmp_path / "broken_feature.py").write_text("import module_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="module_that_is_not_installed"):
        common.require("broken_feature")


@pytest.mark.parametrize(("value", "skipped"), [("", False), ("0", False), ("1", True)])
def test_skip_slow_switch(value: str, skipped: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(common.SKIP_SLOW_ENV, value)
    common.skip_slow(False)  # fast parameters always run
    if skipped:
        with pytest.raises(NotImplementedError, match="ASV_SKIP_SLOW"):
            common.skip_slow(True)
    else:
        common.skip_slow(True)


def test_getters_are_cached_and_deterministic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first call writes the cache, later calls read it, and both equal a fresh build."""
    monkeypatch.setenv(common.CACHE_ENV, str(tmp_path))
    first = common.employee_keys(5_000)
    files = list(tmp_path.glob("employee_keys-*.parquet"))
    assert [f.name for f in files] == [f"employee_keys-n_employees=5000-seed={common.SEED}.parquet"]
    again = common.employee_keys(5_000)
    fresh = common.DATASETS["employee_keys"].build(5_000)
    assert first.equals(again) and first.equals(fresh)


def test_employee_keys_are_distinct_and_in_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(common.CACHE_ENV, str(tmp_path))
    keys = common.employee_keys(100_000)["employee_key"]
    assert keys.dtype == pl.UInt64
    assert keys.n_unique() == 100_000
    assert keys.max() < 2**common.KEY_BITS  # type: ignore[operator]


def test_seed_changes_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(common.CACHE_ENV, str(tmp_path))
    assert not common.employee_keys(1_000).equals(common.employee_keys(1_000, seed=1))


def test_best_rate_stops_at_its_budget() -> None:
    """A slow call is made twice (warm-up and one more), not ``repeats`` times."""
    calls: list[int] = []

    def slow() -> None:
        calls.append(1)
        sum(range(200_000))

    rate = common.best_rate(slow, 1_000, repeats=5, budget_s=0.0)
    assert len(calls) == 2 and rate > 0
