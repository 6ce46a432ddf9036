"""The parsed dbt manifest kept between processes: named for all it depends on, used whole or
not at all, and a run from it builds what a run from a fresh parse builds."""

from __future__ import annotations

import pickle
from pathlib import Path

import polars as pl
import pytest

from planalign_core.census import synthesize_census
from planalign_core.config import load_config
from planalign_core.engines import dbt_driver, dbt_manifests, dbt_session
from planalign_core.engines.dbt_inputs import RunParameters
from planalign_core.store.tables import EVENTS_TABLE

SETTINGS = {"PLANALIGN_DBT_FSYNC_MODE": "NONE"}


def test_the_key_names_the_files_the_place_and_the_settings() -> None:
    key = dbt_manifests.manifest_key(Path("/p"), "f1", SETTINGS)
    assert key == dbt_manifests.manifest_key(Path("/p"), "f1", dict(SETTINGS))
    assert key != dbt_manifests.manifest_key(Path("/p"), "f2", SETTINGS)
    assert key != dbt_manifests.manifest_key(Path("/q"), "f1", SETTINGS)
    assert key != dbt_manifests.manifest_key(Path("/p"), "f1", {})


def test_a_kept_manifest_replaces_the_others_and_loads_back(tmp_path: Path) -> None:
    dbt_manifests.keep(tmp_path, "old", {"nodes": 1})
    dbt_manifests.keep(tmp_path, "new", {"nodes": 2})
    assert dbt_manifests.load(tmp_path, "new") == {"nodes": 2}
    assert dbt_manifests.load(tmp_path, "old") is None
    assert [p.name for p in tmp_path.iterdir()] == ["manifest-new.pickle"]
    assert dbt_manifests.path_of(tmp_path, "new").stat().st_mode & 0o077 == 0


def test_an_unreadable_or_unpicklable_manifest_is_a_miss(tmp_path: Path) -> None:
    dbt_manifests.path_of(tmp_path, "torn").write_bytes(pickle.dumps({"x": 1})[:-3])
    assert dbt_manifests.load(tmp_path, "torn") is None
    dbt_manifests.keep(tmp_path, "lambda", lambda: None)  # cannot be pickled: nothing kept
    assert list(tmp_path.iterdir()) == [dbt_manifests.path_of(tmp_path, "torn")]


def _events(monkeypatch: pytest.MonkeyPatch) -> list[pl.DataFrame]:
    monkeypatch.setattr(dbt_session, "_MANIFESTS", {})  # as in a new process
    config = load_config()
    census = synthesize_census(60, 3, 2025, config)
    run = dbt_driver.run_years(
        census, config, RunParameters(3, "s", config.plan_design_id, 2025, 2), weekly=False
    )
    return [year.frames[EVENTS_TABLE] for year in run.years]


def test_a_run_from_the_kept_manifest_parses_nothing_and_builds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(dbt_driver.CACHE_ENV, str(tmp_path))
    parsed = _events(monkeypatch)
    assert len(list(tmp_path.glob("*/manifest-*.pickle"))) == 1

    def refuse(self: object) -> None:
        raise AssertionError("parsed again although a manifest was kept")

    monkeypatch.setattr(dbt_session.DbtSession, "_parse", refuse)
    kept = _events(monkeypatch)
    assert len(kept) == len(parsed) == 2
    for ours, theirs in zip(kept, parsed, strict=True):  # the rows, in no particular order
        assert ours.height > 0 and ours.sort("event_id").equals(theirs.sort("event_id"))
