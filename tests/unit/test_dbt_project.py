"""The dbt project against the package: the layouts it promises (contracts) are the package's,
its sources are exactly the tables the package writes, every configuration key it reads exists,
and no number of the rules is typed in its SQL."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import yaml

from planalign_core.config import load_config
from planalign_core.engines import dbt_driver, dbt_inputs
from planalign_core.events.columnar import EVENT_COLUMNS
from planalign_core.store.tables import duckdb_type

PROJECT = dbt_driver.project_dir()


def _models_yaml() -> dict[str, dict[str, object]]:
    models: dict[str, dict[str, object]] = {}
    for path in (PROJECT / "models").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []) or []:
            models[model["name"]] = model
    return models


def _contract(name: str) -> list[tuple[str, str]]:
    model = _models_yaml()[name]
    columns = model["columns"]
    assert isinstance(columns, list)
    return [(c["name"], c["data_type"].replace(" ", "").lower()) for c in columns]


def test_events_contract_is_the_columnar_layout() -> None:
    """fct_yearly_events promises EVENT_COLUMNS, in order, with the store's types (the id as
    text: the store turns it into a UUID on insert)."""
    expected = [(name, duckdb_type(dtype).lower()) for name, dtype in EVENT_COLUMNS.items()]
    assert _contract("fct_yearly_events") == expected


def test_output_contracts_are_enforced() -> None:
    models = _models_yaml()
    for name in (
        "int_baseline_workforce",
        "fct_yearly_events",
        "fct_workforce_snapshot",
        "int_deferral_rate_state_accumulator",
    ):
        config = models[name]["config"]
        assert isinstance(config, dict) and config["contract"] == {"enforced": True}, name


def test_sources_are_the_tables_the_package_writes() -> None:
    sources = yaml.safe_load((PROJECT / "models/staging/_sources.yml").read_text())["sources"]
    declared = {table["name"] for table in sources[0]["tables"]}
    config = load_config()
    run = dbt_inputs.RunParameters(1, "s", config.plan_design_id, 2025, 1)
    census = pl.DataFrame(schema={c: pl.String() for c in dbt_inputs.CENSUS_COLUMNS})
    written = set(dbt_inputs.input_tables(config, census, run))
    used = {"run_parameters", "census", "config_scalars", "event_types", "rng_constants"}
    used |= {name for name in written if name.startswith("config_") and name in declared}
    assert declared <= written, declared - written
    assert used <= declared


def test_every_configuration_key_read_in_sql_exists() -> None:
    """stg_planalign__config names key paths; each must be a key the package writes."""
    sql = (PROJECT / "models/staging/stg_planalign__config.sql").read_text()
    keys = set(re.findall(r"'([a-z_.0-9]+)': '[a-z_0-9]+'", sql))
    written = set(dbt_inputs.config_scalars(load_config())["key"])
    assert keys, "no keys found: the model's layout changed"
    assert keys <= written, keys - written


def test_no_rule_number_is_typed_in_the_models() -> None:
    """Rates, ages, limits and dates come from the inputs: the models' SQL holds no number of
    four or more digits (10000, 100000000, 0x7FEB352D...) outside comments."""
    found = []
    for path in [*(PROJECT / "models").rglob("*.sql"), *(PROJECT / "macros").rglob("*.sql")]:
        text = re.sub(r"\{#.*?#\}|--[^\n]*", "", path.read_text(), flags=re.DOTALL)
        for number in re.findall(r"(?<![\w.'])\d{4,}(?![\w'])", text):
            found.append(f"{path.relative_to(PROJECT)}: {number}")
    assert not found, found


def test_packaged_project_is_the_repository_project() -> None:
    """Wheels carry the project through planalign_core/dbt_project (a link to dbt/)."""
    packaged = Path(dbt_driver.__file__).resolve().parents[1] / "dbt_project"
    assert (packaged / "dbt_project.yml").is_file()
    assert dbt_driver.project_fingerprint(packaged) == dbt_driver.project_fingerprint(PROJECT)
