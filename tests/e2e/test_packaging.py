"""Packaging from a fresh clone, without network: ``python -m build`` (sdist and wheel, no build
isolation, so the build requirement must hold in this environment: ``setuptools>=77`` for the
PEP 639 ``license``) and ``pip install`` of the wheel, which then imports and runs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, f"{' '.join(map(str, command))}:\n{done.stdout}\n{done.stderr}"
    return done


def test_build_and_install_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _run("git", "clone", "--quiet", "--no-hardlinks", REPO, clone)
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, clone)
    wheels = list(dist.glob("planalign_core-*.whl"))
    sdists = list(dist.glob("planalign_core-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(dist.iterdir())
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = wheel.read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "planalign_core/data/defaults.toml" in names  # package data travels
    assert any(n.startswith("planalign_core/dbt_project/") for n in names)
    target = tmp_path / "site"
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--target",
        target,
        wheels[0],
    )
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import planalign_core.config as c; "
        "assert c.__file__.startswith(sys.argv[1]), c.__file__; "
        "print(c.config_hash(c.load_config()))"
    )
    done = _run(sys.executable, "-c", probe, target, cwd=tmp_path)
    assert len(done.stdout.strip()) == 64
