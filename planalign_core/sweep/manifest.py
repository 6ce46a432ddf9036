"""The manifest of a sweep's output folder: what its runs were made from.

``OUT/manifest.json`` records the census (its SHA-256, or the synthetic size), the years, each
scenario's effective-configuration hash, and the code that ran (package version, a SHA-256 of
the package's source and data, the Polars version). A re-run into the same folder must agree
on all of them, or it is refused with each difference named: runs of other inputs are never
mixed into one folder. New scenarios and seeds may be added; each finished pair's marker
carries the fingerprint of its scenario's inputs (:func:`pair_fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

import planalign_core
from planalign_core.errors import SweepError
from planalign_core.sweep.layout import write_json

MANIFEST = "manifest.json"
FORMAT = 1
PACKAGE_ROOT = Path(planalign_core.__file__).resolve().parent
CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


@cache
def code_sha256() -> str:
    """SHA-256 of the package's Python source and packaged data (a changed rule changes runs
    even when the version number does not)."""
    digest = hashlib.sha256()
    files = [*PACKAGE_ROOT.rglob("*.py"), *(PACKAGE_ROOT / "data").glob("*")]
    for path in sorted(files):
        digest.update(str(path.relative_to(PACKAGE_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Manifest:
    """The fixed part (one census, years, code) and the scenarios (name -> config and hash)."""

    fixed: dict[str, Any]
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def describe(
        cls,
        *,
        census: dict[str, Any],
        years: int,
        start_year: int,
        scenarios: dict[str, dict[str, Any]],
    ) -> Manifest:
        """The manifest of this package running these inputs."""
        fixed = {
            "format": FORMAT,
            "census": census,
            "years": years,
            "start_year": start_year,
            "weekly_snapshots": True,
            "package_version": planalign_core.__version__,
            "code_sha256": code_sha256(),
            "polars_version": pl.__version__,
        }
        return cls(fixed, scenarios)

    def as_json(self) -> dict[str, Any]:
        return {**self.fixed, "scenarios": self.scenarios}

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            scenarios = data.pop("scenarios")
        except (ValueError, KeyError, AttributeError):
            raise SweepError(
                f"{path}: not a sweep manifest (remove the folder to start over)"
            ) from None
        return cls(data, scenarios)


def differences(stored: Manifest, wanted: Manifest) -> list[str]:
    """What differs between the folder's manifest and this sweep's, one line each."""
    lines = [
        f"{key}: {stored.fixed.get(key)!r} in the folder, {wanted.fixed[key]!r} now"
        for key in wanted.fixed
        if stored.fixed.get(key) != wanted.fixed[key]
    ]
    for name, entry in wanted.scenarios.items():
        old = stored.scenarios.get(name)
        if old is not None and old.get("config_hash") != entry["config_hash"]:
            lines.append(
                f"scenario {name!r}: configuration {old.get('config')} hashed "
                f"{str(old.get('config_hash'))[:12]} in the folder, {entry['config']} hashes "
                f"{entry['config_hash'][:12]} now"
            )
    return lines


def reconcile(out: Path, wanted: Manifest) -> Manifest:
    """The folder's manifest, created, or extended with new scenarios; a folder made from other
    inputs is refused, every difference named."""
    path = out / MANIFEST
    if not path.exists():
        if out.is_dir() and any(out.iterdir()):
            raise SweepError(f"{out}: not empty and has no {MANIFEST}: choose another --out")
        write_json(path, wanted.as_json())
        return wanted
    stored = Manifest.read(path)
    found = differences(stored, wanted)
    if found:
        raise SweepError(
            f"{out} holds runs of other inputs, which a re-run must not mix in: "
            + "; ".join(found)
            + ". Use another --out, or remove the folder to start over"
        )
    merged = Manifest(stored.fixed, {**stored.scenarios, **wanted.scenarios})
    if merged.scenarios != stored.scenarios:
        write_json(path, merged.as_json())
    return merged


def pair_fingerprint(manifest: Manifest, scenario: str) -> str:
    """SHA-256 of everything a (scenario, any seed) run depends on: the fixed inputs and the
    scenario's configuration hash."""
    text = json.dumps(
        {**manifest.fixed, "config_hash": manifest.scenarios[scenario]["config_hash"]},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()
