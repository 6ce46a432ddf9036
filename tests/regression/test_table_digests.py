"""Every table of a default run holds exactly the rows it held before the weekly snapshots were
stored in compact form (issue 12): the digests of ``digests_before.json`` (how they were made:
its ``note``), for 3 seeds and two sizes. ``fct_participant_balance_snapshots`` is now a view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regression.digests import SEEDS, SIZES, YEARS, run_digests

BEFORE = json.loads((Path(__file__).parent / "digests_before.json").read_text())["runs"]


@pytest.mark.parametrize("employees", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_table_holds_the_same_rows(employees: int, seed: int) -> None:
    """Same names, columns, types, row counts and row digests as before (new tables aside)."""
    before = BEFORE[f"{employees}x{YEARS}/seed{seed}"]
    after = run_digests(employees, seed)
    assert set(before) <= set(after)
    for name, digest in before.items():
        assert after[name] == digest, name


def test_every_frame_bound_as_a_table_stores_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path of large frames (an Arrow table of string views, ``Database.over_frame``) that
    runs of these sizes never take: every frame sent that way, the same digests."""
    from planalign_core.store import database  # noqa: PLC0415

    monkeypatch.setattr(database, "STREAMED_ROWS", 0)
    employees, seed = SIZES[-1], SEEDS[0]
    before = BEFORE[f"{employees}x{YEARS}/seed{seed}"]
    after = run_digests(employees, seed)
    for name, digest in before.items():
        assert after[name] == digest, name
