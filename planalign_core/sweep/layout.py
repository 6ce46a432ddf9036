"""Where a sweep's files live, and how each is written (atomically) and found finished.

``OUT/table=NAME/scenario=S/seed=N/part.parquet``: one file per table and (scenario, seed), the
Hive layout DuckDB and Polars read with the partitions as columns. A pair is finished when its
marker ``OUT/_done/scenario=S/seed=N.json`` exists, written after every table of the pair; the
marker holds the pair's input fingerprint, so a marker from other inputs never counts.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from planalign_core.store.tables import RUN_TABLES

# The tables of one run, as ``planalign simulate`` stores them (the weekly snapshots in their
# compact form: the view fct_participant_balance_snapshots is built over them when read).
TABLES = RUN_TABLES
PART = "part.parquet"
DONE = "_done"
TEMPORARY = ".tmp-"  # in the name of a file being written; no reader's glob (*.parquet) sees it


def part_path(out: Path, table: str, scenario: str, seed: int) -> Path:
    """The file holding ``table``'s rows of one (scenario, seed)."""
    return out / f"table={table}" / f"scenario={scenario}" / f"seed={seed}" / PART


def done_path(out: Path, scenario: str, seed: int) -> Path:
    """The marker of a finished (scenario, seed)."""
    return out / DONE / f"scenario={scenario}" / f"seed={seed}.json"


def temporary(path: Path) -> Path:
    """A unique name beside ``path`` to write it under before the rename."""
    return path.with_name(f".{path.name}{TEMPORARY}{uuid.uuid4().hex}")


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` then rename onto ``path``: a reader (or a re-run after a killed
    worker) sees the old file, the new one, or none, never a part of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = temporary(path)
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A small JSON file, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_atomic(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def remove_leftovers(out: Path, scenario: str, seed: int) -> None:
    """Before a pair is (re)run: its marker and the temporary files a killed attempt left."""
    done_path(out, scenario, seed).unlink(missing_ok=True)
    for table in TABLES:
        folder = part_path(out, table, scenario, seed).parent
        if folder.is_dir():
            for leftover in folder.glob(f".*{TEMPORARY}*"):
                leftover.unlink(missing_ok=True)


def finished(
    out: Path, fingerprints: dict[str, str], pairs: Iterable[tuple[str, int]]
) -> set[tuple[str, int]]:
    """The (scenario, seed) pairs of ``pairs`` whose marker exists with the scenario's current
    fingerprint and whose every table file is there."""
    done: set[tuple[str, int]] = set()
    for scenario, seed in pairs:
        marker = done_path(out, scenario, seed)
        try:
            recorded = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if recorded.get("fingerprint") != fingerprints.get(scenario):
            continue
        if all(part_path(out, t, scenario, seed).is_file() for t in TABLES):
            done.add((scenario, seed))
    return done


def finished_runs(out: Path) -> list[tuple[str, int]]:
    """Every finished (scenario, seed) of an output folder, from the markers (what the report
    reads: a pair still running or cut short has no marker)."""
    runs = []
    for marker in sorted((out / DONE).glob("scenario=*/seed=*.json")):
        scenario = marker.parent.name.removeprefix("scenario=")
        runs.append((scenario, int(marker.stem.removeprefix("seed="))))
    return sorted(runs)
