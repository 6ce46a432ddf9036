"""A sweep's grid (scenarios x seeds) and its inputs, checked before any run starts.

The grid is parsed from the command line (``--seeds 1-100``, ``--scenario NAME=FILE``); every
scenario's configuration and the census are loaded once here, so a bad file is reported, named,
before a cluster starts. :func:`job` turns a (scenario, seed) into the self-contained
description a worker runs (:class:`planalign_core.sweep.task.PairJob`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from planalign_core.config import config_hash
from planalign_core.errors import SweepError
from planalign_core.run_inputs import RunSpec, check_spec, load_inputs
from planalign_core.sweep.manifest import Manifest, file_sha256, pair_fingerprint
from planalign_core.sweep.task import PairJob

DEFAULT_SCENARIO = "default"
MAX_SEEDS = 1_000_000
# A scenario names folders (``scenario=NAME``): letters, digits, '_', '-', '.', not leading '.'.
SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SEED_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
MAX_SEED = (1 << 64) - 1


def parse_seeds(text: str) -> tuple[int, ...]:
    """``1-100``, ``1,5,9`` or a mix (``1-10,20``): the seeds in the order given, each once.

    A seed is what ``planalign simulate --seed`` takes (0..2**64-1); a repeated seed is refused,
    since its run would be done twice and counted twice in every percentile."""
    if not text.strip():
        raise SweepError("--seeds: no seed given")
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        ranged = SEED_RANGE.fullmatch(part)
        if ranged:
            first, last = int(ranged.group(1)), int(ranged.group(2))
            if last < first:
                raise SweepError(f"--seeds: range {part!r} ends before it starts")
            if last - first + 1 + len(seeds) > MAX_SEEDS:
                raise SweepError(f"--seeds: more than {MAX_SEEDS:,} seeds")
            seeds.extend(range(first, last + 1))
        elif part.isdigit():
            seeds.append(int(part))
        else:
            raise SweepError(
                f"--seeds: {part!r} is not a seed or a range (write e.g. 1-100 or 1,5,9)"
            )
    if not seeds:
        raise SweepError("--seeds: no seed given")
    too_large = [s for s in seeds if s > MAX_SEED]
    if too_large:
        raise SweepError(f"--seeds: {too_large[0]} is above 2**64-1")
    repeated = [seed for seed, count in Counter(seeds).items() if count > 1]
    if repeated:
        raise SweepError(f"--seeds: seed {repeated[0]} is given more than once")
    return tuple(seeds)


@dataclass(frozen=True)
class Scenario:
    """A named configuration: the packaged defaults with the TOML file's overrides."""

    name: str
    config_path: Path | None


def parse_scenario(text: str) -> Scenario:
    """``NAME=FILE`` (the file need not exist yet: :func:`check` loads it)."""
    name, sep, file = text.partition("=")
    if not sep or not file:
        raise SweepError(f"--scenario: {text!r} is not NAME=FILE (e.g. growth=growth.toml)")
    if not SCENARIO_NAME.fullmatch(name):
        raise SweepError(
            f"--scenario: name {name!r} must be 1-64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit (it names a folder)"
        )
    return Scenario(name, Path(file).resolve())


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep runs: every scenario under every seed, on one census, for ``years``."""

    scenarios: tuple[Scenario, ...]
    seeds: tuple[int, ...]
    years: int
    start_year: int
    employees: int | None = None
    census_path: Path | None = None

    @property
    def pairs(self) -> list[tuple[str, int]]:
        """(scenario, seed) in grid order: scenario by scenario, seeds as given."""
        return [(s.name, seed) for s in self.scenarios for seed in self.seeds]

    def spec(self, scenario: Scenario, seed: int) -> RunSpec:
        """The ``planalign simulate`` run of one (scenario, seed): what the sweep's tables of
        that pair equal, bit for bit."""
        return RunSpec(
            years=self.years,
            start_year=self.start_year,
            seed=seed,
            scenario_id=scenario.name,
            employees=self.employees,
            census_path=self.census_path,
            config_path=scenario.config_path,
        )


def make_plan(
    seeds: tuple[int, ...],
    scenarios: list[Scenario],
    *,
    years: int,
    start_year: int,
    employees: int | None,
    census_path: Path | None,
) -> SweepPlan:
    """The plan, with the defaults filled in: no scenario is one named ``default`` with the
    packaged configuration; a census path is made absolute (workers may start elsewhere)."""
    if not scenarios:
        scenarios = [Scenario(DEFAULT_SCENARIO, None)]
    names = [s.name for s in scenarios]
    repeated = next((n for n in names if names.count(n) > 1), None)
    if repeated is not None:
        raise SweepError(f"--scenario: {repeated!r} is named more than once")
    if census_path is None and employees is None:
        raise SweepError("give the workforce: --employees N (synthetic) or --census FILE")
    census = None if census_path is None else census_path.resolve()
    return SweepPlan(tuple(scenarios), seeds, years, start_year, employees, census)


def check(plan: SweepPlan) -> Manifest:
    """Load every input once (errors name the file and key) and describe them: the manifest
    the output folder must agree with."""
    check_spec(plan.spec(plan.scenarios[0], max(plan.seeds)))
    hashes: dict[str, str] = {}
    for scenario in plan.scenarios:  # the census is checked against each configuration
        config = load_inputs(plan.spec(scenario, plan.seeds[0]))[0]
        hashes[scenario.name] = config_hash(config)
    census = (
        {"source": f"synthetic({plan.employees})", "sha256": None}
        if plan.census_path is None
        else {"source": str(plan.census_path), "sha256": file_sha256(plan.census_path)}
    )
    return Manifest.describe(
        census=census,
        years=plan.years,
        start_year=plan.start_year,
        scenarios={
            s.name: {"config": None if s.config_path is None else str(s.config_path),
                     "config_hash": hashes[s.name]}
            for s in plan.scenarios
        },
    )  # fmt: skip


def job(plan: SweepPlan, manifest: Manifest, out: Path, scenario: Scenario, seed: int) -> PairJob:
    """What a worker needs to run one (scenario, seed) and to refuse inputs that changed since
    the sweep started (a census or configuration edited, another planalign on the worker)."""
    return PairJob(
        out=str(out),
        spec=plan.spec(scenario, seed),
        fingerprint=pair_fingerprint(manifest, scenario.name),
        code_sha256=manifest.fixed["code_sha256"],
        census_sha256=manifest.fixed["census"]["sha256"],
        config_hash=manifest.scenarios[scenario.name]["config_hash"],
    )
