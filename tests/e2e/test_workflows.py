"""The GitHub workflows: actionlint (with shellcheck on every ``run:`` script) and the promises
docs/benchmarks.md makes about them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools.bench_pr import MARKER

yaml = pytest.importorskip("yaml")  # PyYAML comes with dbt-core, installed by the Makefile

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    """A command from this virtualenv (the dev group installs it), else from PATH."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as True
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]).split("@")[0] for step in steps(job) if "uses" in step]


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def test_actionlint_passes() -> None:
    """actionlint, with shellcheck checking the shell of every step."""
    actionlint = tool("actionlint")
    assert actionlint, "actionlint is missing: `make venv` installs it (dev group)"
    shellcheck = tool("shellcheck")
    assert shellcheck, "shellcheck is missing: `make venv` installs it (dev group)"
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 3
    done = subprocess.run(
        [actionlint, "-shellcheck", shellcheck, "-pyflakes", "", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_tests_workflow_runs_the_readme_test_command() -> None:
    job = workflow("tests.yml")["jobs"]["test"]
    assert ".ci/run" in runs(job)
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert "make test" in (REPO / "README.md").read_text()


def test_pull_request_workflow() -> None:
    """Full-depth checkout, pinned machine, bench-pr against the base, one comment edited on
    every push (found by the marker bench_pr writes), failure."""
    flow = workflow("benchmarks.yml")
    assert "pull_request" in flow["on"]
    assert flow["env"]["PLANALIGN_ASV_MACHINE"]
    job = flow["jobs"]["compare"]
    checkout = next(s for s in steps(job) if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    script = runs(job)
    assert "make bench-pr BASE=" in script and "github.base_ref" in str(job)
    assert ".asv/pr-comment.md" in script and MARKER in script
    assert "--method PATCH" in script and "--method POST" in script
    assert flow["permissions"]["pull-requests"] == "write"
    failing = steps(job)[-1]
    assert "steps.bench.outputs.status" in failing["if"] and "exit 1" in failing["run"]


def test_publish_workflow() -> None:
    """Pushes to main and by hand; results branch restored and saved; official Pages actions."""
    flow = workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in flow["on"]
    measure, deploy = flow["jobs"]["measure"], flow["jobs"]["deploy"]
    script = runs(measure)
    order = [script.index(s) for s in ("bench_store restore", "make history", "bench_store save")]
    assert order == sorted(order)
    assert measure["permissions"]["contents"] == "write"
    assert uses(measure)[-2:] == ["actions/configure-pages", "actions/upload-pages-artifact"]
    assert uses(deploy) == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
