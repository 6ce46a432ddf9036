"""Parity: the Polars and dbt engines give identical tables for the same inputs.

Every output table (baseline, events, snapshot, accumulator) is compared row for row and value
for value, ordering aside, over seeds, census sizes, start years and configurations chosen by
hypothesis. A dbt run costs seconds, so examples are few; the 5k x 5 run is marked slow (CI runs
it). A failure prints the first differing rows of each table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from planalign_core.census import load_census, synthesize_census
from planalign_core.config import load_config
from planalign_core.engines.polars_engine import RunKeys
from tests.parity.parity import assert_identical, dbt_tables, polars_tables
from tests.property.sim_strategies import Scenario, scenarios

DBT_EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _both(scenario: Scenario, *, tests: bool = False) -> None:
    config = scenario.config
    census = synthesize_census(scenario.employees, scenario.seed, scenario.start_year, config)
    keys = scenario.keys
    assert_identical(
        polars_tables(census, config, keys), dbt_tables(census, config, keys, tests=tests)
    )


@pytest.mark.parametrize(
    ("employees", "years", "seed"),
    [(150, 3, 42), (60, 2, 2**64 - 1), (25, 1, 0)],
)
def test_default_configuration(employees: int, years: int, seed: int) -> None:
    """The packaged defaults: identical tables for several seeds and sizes (dbt tests run)."""
    _both(Scenario(employees, years, 2025, seed, scenario_id="parity"), tests=employees == 150)


@DBT_EXAMPLES
@given(scenarios(min_employees=20, max_employees=120, max_years=3))
def test_configurations(scenario: Scenario) -> None:
    """Configurations drawn by hypothesis (growth, eligibility, auto-enrolment, escalation...)."""
    _both(scenario)


CENSUS_CSV = """\
employee_id,birth_date,hire_date,termination_date,annual_compensation,deferral_rate,job_level
b,1980-02-29,2010-02-28,,61000.50,0.06,1
B,1964-01-01,2023-03-01,,250000,,
A1,2001-02-28,2024-12-31,,38000,0,
é-7,1959-12-31,1990-06-15,,130000.00,0.10,4
Z,1970-05-05,2000-01-01,2024-06-30,90000,0.03,2
a b,1996-02-29,2024-02-29,,55000,0.75,2
E0000001,1990-07-04,2015-07-04,,72000.49,0.0425,
"""


@pytest.mark.parametrize("rule", ["immediate", "waiting_period", "age_and_service"])
def test_loaded_census(tmp_path: Path, rule: str) -> None:
    """A loaded census with the awkward cases: ids whose byte order differs from their letter
    order, February 29 births and hires, a terminated row, missing levels and rates."""
    path = tmp_path / "census.csv"
    path.write_text(CENSUS_CSV, encoding="utf-8")
    config = load_config(overrides={"eligibility": {"rule": rule, "min_age": 25}})
    census = load_census(path, 2025, config)
    keys = RunKeys(11, "loaded", config.plan_design_id, 2025, 3)
    assert_identical(polars_tables(census, config, keys), dbt_tables(census, config, keys))


@pytest.mark.slow
def test_five_thousand_by_five_years() -> None:
    """The benchmark size: 5,000 employees over 5 years, packaged defaults."""
    _both(Scenario(5000, 5, 2025, 20_240_601, scenario_id="parity-5k"))
