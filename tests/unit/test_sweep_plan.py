"""The sweep's grid and manifest: seeds and scenarios parsed, bad input named, a folder made
from other inputs refused (census, configuration, code), finished pairs found."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planalign_core.errors import SweepError
from planalign_core.sweep import layout
from planalign_core.sweep.manifest import MANIFEST, Manifest, pair_fingerprint, reconcile
from planalign_core.sweep.plan import Scenario, check, make_plan, parse_scenario, parse_seeds
from planalign_core.sweep.runner import Progress, run_sweep
from tests.sweep_support import REPO, serial_sweep, small_plan


@pytest.mark.parametrize(
    ("text", "seeds"),
    [
        ("1-5", (1, 2, 3, 4, 5)),
        ("7", (7,)),
        ("3,1,2", (3, 1, 2)),
        ("1-3, 10 ,20-21", (1, 2, 3, 10, 20, 21)),
        ("0-0", (0,)),
        (str(2**64 - 1), (2**64 - 1,)),
    ],
)
def test_seeds_are_ranges_and_lists(text: str, seeds: tuple[int, ...]) -> None:
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "no seed"),
        ("5-1", "ends before it starts"),
        ("1-3,2", "seed 2 is given more than once"),
        ("a", "'a' is not a seed"),
        ("-3", "'-3' is not a seed"),
        ("1..5", "'1..5'"),
        (str(2**64), "above 2**64-1"),
        ("1-2000000", "more than 1,000,000"),
    ],
)
def test_bad_seeds_are_named(text: str, named: str) -> None:
    with pytest.raises(SweepError, match="--seeds") as caught:
        parse_seeds(text)
    assert named in str(caught.value)


def test_a_scenario_is_a_name_and_a_file(tmp_path: Path) -> None:
    scenario = parse_scenario(f"growth={tmp_path / 'g.toml'}")
    assert scenario == Scenario("growth", (tmp_path / "g.toml").resolve())
    for bad, named in [("growth", "NAME=FILE"), ("=x.toml", "name ''"), ("a/b=x.toml", "'a/b'"),
                       (".hidden=x.toml", "'.hidden'"), ("g=", "NAME=FILE")]:  # fmt: skip
        with pytest.raises(SweepError, match="--scenario") as caught:
            parse_scenario(bad)
        assert named in str(caught.value)


def test_no_scenario_is_the_packaged_default_and_names_are_unique() -> None:
    plan = make_plan((1,), [], years=1, start_year=2025, employees=10, census_path=None)
    assert plan.scenarios == (Scenario("default", None),)
    twice = [Scenario("a", None), Scenario("a", None)]
    with pytest.raises(SweepError, match="'a' is named more than once"):
        make_plan((1,), twice, years=1, start_year=2025, employees=10, census_path=None)
    with pytest.raises(SweepError, match="--employees N"):
        make_plan((1,), [], years=1, start_year=2025, employees=None, census_path=None)


def test_inputs_are_checked_before_anything_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[escalation]\ncap = 7\n", encoding="utf-8")
    plan = make_plan(
        (1,), [Scenario("bad", bad)], years=1, start_year=2025, employees=10, census_path=None
    )
    with pytest.raises(Exception, match=r"escalation\.cap"):
        check(plan)
    missing = make_plan((1,), [], years=1, start_year=2025, employees=None,
                        census_path=tmp_path / "nope.csv")  # fmt: skip
    with pytest.raises(Exception, match=r"nope\.csv"):
        check(missing)
    with pytest.raises(Exception, match="--years"):
        check(make_plan((1,), [], years=0, start_year=2025, employees=10, census_path=None))
    with pytest.raises(Exception, match="--employees must be in 1"):
        check(make_plan((1,), [], years=1, start_year=2025, employees=0, census_path=None))


def _manifest(census_file: Path | None = None, config: Path | None = None) -> Manifest:
    plan = make_plan(
        (1,), [Scenario("s", config)], years=2, start_year=2025,
        employees=None if census_file else 50, census_path=census_file,
    )  # fmt: skip
    return check(plan)


def test_a_folder_of_other_inputs_is_refused_naming_what_changed(tmp_path: Path) -> None:
    census = tmp_path / "census.csv"
    shutil.copy(REPO / "examples" / "census.csv", census)
    config = tmp_path / "plan.toml"
    shutil.copy(REPO / "examples" / "plan.toml", config)
    out = tmp_path / "out"
    first = reconcile(out, _manifest(census, config))
    assert reconcile(out, _manifest(census, config)) == first  # the same inputs: accepted

    lines = census.read_text(encoding="utf-8").splitlines(keepends=True)
    census.write_text("".join(lines[:-1]), encoding="utf-8")  # one employee fewer
    with pytest.raises(SweepError, match="census") as caught:
        reconcile(out, _manifest(census, config))
    assert "Use another --out" in str(caught.value)
    shutil.copy(REPO / "examples" / "census.csv", census)

    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("cap = 0.10", "cap = 0.09"), encoding="utf-8")
    with pytest.raises(SweepError, match="scenario 's': configuration"):
        reconcile(out, _manifest(census, config))


@pytest.mark.parametrize("field", ["package_version", "code_sha256", "polars_version", "years"])
def test_another_package_version_or_code_is_refused(tmp_path: Path, field: str) -> None:
    out = tmp_path / "out"
    reconcile(out, _manifest())
    stored = json.loads((out / MANIFEST).read_text())
    stored[field] = "something else" if field != "years" else 9
    (out / MANIFEST).write_text(json.dumps(stored))
    with pytest.raises(SweepError, match=f"{field}: .* in the folder"):
        reconcile(out, _manifest())


def test_new_scenarios_extend_the_manifest_and_a_stray_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    reconcile(out, _manifest())
    growth = make_plan((1,), [Scenario("g", REPO / "examples" / "scenario.toml")], years=2,
                       start_year=2025, employees=50, census_path=None)  # fmt: skip
    merged = reconcile(out, check(growth))
    assert set(merged.scenarios) == {"s", "g"}
    assert set(Manifest.read(out / MANIFEST).scenarios) == {"s", "g"}
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match=r"not empty and has no manifest\.json"):
        reconcile(stray, _manifest())


def test_finished_pairs_need_their_marker_fingerprint_and_every_file(tmp_path: Path) -> None:
    plan = small_plan((1, 2), employees=60, years=1)
    out = tmp_path / "out"
    serial_sweep(plan, out)
    manifest = reconcile(out, check(plan))
    prints = {s.name: pair_fingerprint(manifest, s.name) for s in plan.scenarios}
    assert layout.finished(out, prints, plan.pairs) == set(plan.pairs)
    assert layout.finished_runs(out) == sorted(plan.pairs)

    layout.part_path(out, "fct_yearly_events", "growth", 2).unlink()  # a partial pair
    marker = layout.done_path(out, "default", 1)  # a marker of other inputs
    marker.write_text(json.dumps({"fingerprint": "other"}))
    assert layout.finished(out, prints, plan.pairs) == {("default", 2), ("growth", 1)}


def test_a_finished_sweep_starts_no_cluster(tmp_path: Path) -> None:
    """Every pair finished: nothing to do, no cluster is started, and the outcome counts them
    as skipped."""
    plan = small_plan((3,), employees=60, years=1)
    serial_sweep(plan, tmp_path / "out")
    outcome = run_sweep(plan, tmp_path / "out", workers=1, stream=None)
    assert (outcome.total, outcome.skipped, outcome.results) == (2, 2, [])


def test_progress_counts_and_estimates_from_its_own_pace() -> None:
    progress = Progress(total=10, skipped=4, stream=None)
    assert progress.eta(progress.started + 5) is None
    progress.done = 2
    assert progress.eta(progress.started + 6) == pytest.approx(6 / 2 * 4)
    line = progress.line(progress.started + 6)
    assert "6/10 runs (4 already done), 0 failed" in line and "ETA 12 s" in line


def test_dask_and_matplotlib_load_only_when_a_sweep_runs_or_charts() -> None:
    """``planalign simulate``'s start-up is not slowed: neither the CLI's parser (any command)
    nor the sweep's modules up to the cluster import Dask or matplotlib."""
    script = (
        "import sys\n"
        "from planalign_core.cli import build_parser\n"
        "for name in ('simulate', 'sweep', 'sweep-report'):\n"
        "    build_parser([name])\n"
        "import planalign_core.sweep.runner, planalign_core.sweep.report\n"
        "print(sorted(m for m in ('dask', 'distributed', 'matplotlib') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
