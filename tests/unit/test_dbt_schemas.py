"""dbt's JSON schemas kept between processes (``engines/dbt_schemas.py``): a schema dbt built is
read back by the next process instead of being built, validates as dbt's own, and a broken file
is only a cache miss."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt.contracts.project import ProjectFlags
from dbt_common import dataclass_schema
from dbt_common.dataclass_schema import ValidationError, build_json_schema

from planalign_core.engines import dbt_schemas


@pytest.fixture(autouse=True)
def _dbt_own_method() -> Iterator[None]:
    """Each test starts and ends with dbt's own ``json_schema`` (a session may have installed)."""
    dbt_schemas.uninstall()
    yield
    dbt_schemas.uninstall()


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _next_process_cannot_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process: dbt's in-process cache empty, and building a schema fails loudly."""
    dbt_schemas.uninstall()
    dataclass_schema.dbtClassMixin.__dict__["json_schema"].__func__.cache_clear()

    def refuse(cls: type) -> None:
        raise AssertionError(f"{cls.__name__}'s schema was built, not read from the file")

    monkeypatch.setattr(dataclass_schema, "build_json_schema", refuse)


def test_a_built_schema_is_kept_and_read_back_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = build_json_schema(ProjectFlags).to_dict()
    dbt_schemas.install(tmp_path)
    assert ProjectFlags.json_schema() == expected
    kept = json.loads(dbt_schemas.path_of(tmp_path).read_text(encoding="utf-8"))
    assert kept == {_name(ProjectFlags): expected}

    _next_process_cannot_build(monkeypatch)
    dbt_schemas.install(tmp_path)
    assert ProjectFlags.json_schema() == expected


def test_the_kept_schema_validates_as_dbt_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dbt_schemas.install(tmp_path)
    ProjectFlags.json_schema()
    _next_process_cannot_build(monkeypatch)
    dbt_schemas.install(tmp_path)
    ProjectFlags.validate({"send_anonymous_usage_stats": False})
    with pytest.raises(ValidationError, match="is not of type 'boolean'"):
        ProjectFlags.validate({"send_anonymous_usage_stats": "no"})


def test_a_broken_file_is_a_cache_miss_and_is_replaced(tmp_path: Path) -> None:
    path = dbt_schemas.path_of(tmp_path)
    path.write_text("{not json", encoding="utf-8")
    dbt_schemas.install(tmp_path)
    assert ProjectFlags.json_schema() == build_json_schema(ProjectFlags).to_dict()
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {_name(ProjectFlags)}


def test_no_cache_folder_leaves_dbt_alone() -> None:
    own = dataclass_schema.dbtClassMixin.__dict__["json_schema"]
    dbt_schemas.install(None)
    assert dataclass_schema.dbtClassMixin.__dict__["json_schema"] is own
