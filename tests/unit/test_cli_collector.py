"""The CLI leaves its imports out of the cyclic collector's passes while a command runs, and
gives the collector back as it found it (``planalign_core.cli.main``)."""

from __future__ import annotations

import argparse
import gc
from contextlib import suppress

import pytest

from planalign_core.cli import main
from planalign_core.commands import command_module


def test_a_command_runs_with_its_imports_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def run(args: argparse.Namespace) -> int:
        seen.update(frozen=gc.get_freeze_count(), enabled=gc.isenabled())
        return 0

    monkeypatch.setattr(command_module("schema"), "run", run)
    assert main(["schema"]) == 0
    assert seen["enabled"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 0


@pytest.mark.parametrize("argv", [["schema"], ["no-such-command"], ["simulate", "--years", "x"]])
def test_the_collector_is_given_back_as_it_was(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """After a command, a refused command line or a bad value: enabled, nothing frozen."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with suppress(SystemExit):  # argparse refuses the command line
        main(argv)
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_callers_collector_settings_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that disabled the collector, or froze objects of its own, finds it so after."""
    monkeypatch.setattr(command_module("schema"), "run", lambda args: 0)
    gc.disable()
    try:
        assert main(["schema"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert main(["schema"]) == 0
        assert 0 < gc.get_freeze_count() <= frozen  # not unfrozen, nothing more frozen
    finally:
        gc.unfreeze()
