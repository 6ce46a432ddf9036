"""Every command the README shows runs, verbatim, in README order, from a scratch folder holding
the repository's ``examples/`` (a newcomer's first hour: nothing they copy may fail).

Shell blocks run through bash with ``.venv/bin/`` pointing at this interpreter's environment;
the Python block runs as a script; an ``export`` holds for the rest of its block. The hand dbt
recipe runs on a copy of ``dbt/`` (its own ``target/``). Not run here: ``make`` targets (the
history and the suite are this test's callers).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```(sh|python)\n(.*?)```", re.DOTALL)
NOT_RUN = ((re.compile(r"^make\b"), "make targets run this suite"),)

pytestmark = pytest.mark.slow


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))


def _commands(block: str) -> list[str]:
    """The block's commands, continuation lines joined, skipped ones left out; each command
    carries the block's ``export`` lines before it."""
    joined = block.replace("\\\n", " ")
    commands, exports = [], ""
    for raw in joined.splitlines():
        line = raw.strip()
        if line.startswith("export "):
            exports += line.split("  #")[0].strip() + "; "
            continue
        if not line or line.startswith("#") or line.startswith(("for ", "done")):
            continue
        if any(pattern.search(line) for pattern, _ in NOT_RUN):
            continue
        commands.append(exports + line)
    return commands


def test_the_readme_shows_the_commands_this_test_runs() -> None:
    """The parser finds the blocks: a README rewrite cannot silently leave nothing to run."""
    commands = [c for kind, b in _blocks() if kind == "sh" for c in _commands(b)]
    assert sum("planalign simulate" in c for c in commands) >= 4
    assert any("planalign export" in c for c in commands)
    assert any("planalign config show" in c for c in commands)
    assert any("planalign history" in c for c in commands)
    assert any("planalign dbt-inputs" in c for c in commands)
    assert sum("dbt run --project-dir dbt" in c for c in commands) >= 2
    assert any("dbt test --project-dir dbt" in c for c in commands)


def test_every_readme_command_runs_verbatim(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    ignore = shutil.ignore_patterns("target", "logs", ".user.yml")
    shutil.copytree(REPO / "dbt", tmp_path / "dbt", ignore=ignore)
    (tmp_path / "out").mkdir()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for kind, block in _blocks():
        if kind == "python":
            script = tmp_path / "readme_block.py"
            script.write_text(block, encoding="utf-8")
            done = subprocess.run(
                [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                env=env, check=False, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, f"README python block failed:\n{done.stderr}"
            continue
        for command in _commands(block):
            runnable = command.replace(".venv/bin/", f"{bin_dir}/")
            done = subprocess.run(
                ["bash", "-c", runnable], cwd=tmp_path, capture_output=True, text=True,
                env=env, check=False, timeout=600,
            )  # fmt: skip
            assert done.returncode == 0, f"README command failed: {command}\n{done.stderr}"
            assert "Traceback" not in done.stderr, command
