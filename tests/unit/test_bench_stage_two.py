"""The pull-request check's second stage (``tools.bench_pr.stage_two``): what is re-measured,
in what order and how many rounds, and what is left once the check has failed or its time
budget is spent. asv is replaced by a fake ``measure`` that records each call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools import bench_compare, bench_cost, bench_pr, bench_stats

Kind, Row, Verdict = bench_compare.Kind, bench_compare.Row, bench_compare.Verdict
PER_PROCESS = {"x.P.time_p": 1.0, "x.Q.time_q": 1.0, "x.S.time_s": 30.0}  # screen seconds


def sampled(value: float) -> bench_compare.Measurement:
    """Twelve fresh samples around ``value`` (6 processes of 2), as asv records them."""
    samples = [value * (1 + 0.01 * (i % 3)) for i in range(12)]
    stats = {"ci_99_a": min(samples), "ci_99_b": max(samples), "repeat": 12, "number": 1}
    return bench_compare.Measurement(sorted(samples)[6], stats, samples, "v1")


def check(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    rows: list[Row],
    slower: set[str],
    fresh: dict[str, tuple[bench_compare.Measurement, bench_compare.Measurement]] | None = None,
) -> tuple[int, list[tuple[Any, ...]], dict[str, Any]]:
    """Run the check on ``rows`` as the screen's verdicts; a fresh re-measure finds the names
    in ``slower`` 1.5x slower, the names in ``fresh`` as given (before, after), the others
    unchanged. Returns the exit status, the ``measure`` calls (stage, patterns, options) and
    the JSON verdict."""
    calls: list[tuple[Any, ...]] = []
    given = fresh or {}

    def measure(stage: str, *args: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        calls.append((stage, *args[3:]))
        names = [pattern.strip("^$").replace("\\", "") for pattern in args[3]]
        before = {name: given[name][0] if name in given else sampled(1.0) for name in names}
        after = {
            name: given[name][1] if name in given else sampled(1.5 if name in slower else 1.0)
            for name in names
        }
        return {}, before, after

    monkeypatch.setattr(bench_pr, "measure", measure)
    monkeypatch.setattr(bench_pr, "compare", lambda *_: rows)
    monkeypatch.setattr(bench_pr, "screen_seconds", lambda *_: PER_PROCESS)
    monkeypatch.setattr(bench_pr, "resolve_commit", lambda ref: ref * 40)
    monkeypatch.setattr(bench_pr, "load_config", lambda: None)
    monkeypatch.setattr(bench_pr, "pin_machine", lambda machine: None)
    verdict = tmp_path / "v.json"
    args = bench_pr.parse_args(
        ["--base", "a", "--head", "b", "--markdown", str(tmp_path / "c.md"),
         "--json", str(verdict)]
    )  # fmt: skip
    status = bench_pr.run(args)
    return status, calls[1:], json.loads(verdict.read_text())


def row(name: str, verdict: Verdict, twin: str | None = None) -> Row:
    kind = Kind.THROUGHPUT if "rate" in name else Kind.TIME
    return Row(name, kind, "s", None, None, verdict, twin=twin)


def verdicts(payload: dict[str, Any]) -> dict[str, str]:
    return {entry["name"]: entry["verdict"] for entry in payload["rows"]}


def test_a_candidate_and_a_suggestion_are_re_measured_in_runs_of_their_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What only reports must not ride at the candidates' 6 rounds (an A/A check with 16
    benchmarks to re-measure took 529 s), and a throughput goes through its twin, once."""
    rows = [
        row("x.P.time_p", Verdict.CANDIDATE),
        row("x.Q.time_q", Verdict.SUGGESTED),
        row("x.Q.track_q_rate", Verdict.SUGGESTED, twin="x.Q.time_q"),
    ]
    status, calls, payload = check(monkeypatch, tmp_path, rows, slower=set())
    assert calls == [
        ("confirm", ["^x\\.P\\.time_p$"], "-a", "rounds=6"),
        ("report", ["^x\\.Q\\.time_q$"], "-a", "rounds=4"),
    ]
    assert status == bench_pr.EXIT_OK
    assert verdicts(payload)["x.P.time_p"] == Verdict.UNCONFIRMED.value


def test_a_costly_candidate_waits_and_is_left_once_a_cheap_one_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One confirmed regression fails the check: the costly candidate (30 s a process) and
    what only reports are not re-measured, and the comment says so."""
    rows = [
        row("x.P.time_p", Verdict.CANDIDATE),
        row("x.S.time_s", Verdict.CANDIDATE),
        row("x.Q.time_q", Verdict.BETTER_TO_CONFIRM),
    ]
    status, calls, payload = check(monkeypatch, tmp_path, rows, slower={"x.P.time_p"})
    assert calls == [("confirm", ["^x\\.P\\.time_p$"], "-a", "rounds=6")]
    assert status == bench_pr.EXIT_REGRESSION
    assert verdicts(payload) == {
        "x.P.time_p": Verdict.REGRESSION.value,
        "x.S.time_s": Verdict.CANDIDATE.value,  # shown as "to confirm", "not re-measured"
        "x.Q.time_q": Verdict.NOISE.value,  # an improvement is claimed only when re-measured
    }
    comment = (tmp_path / "c.md").read_text()
    assert "Not re-measured (the check had already failed): x.S.time_s, x.Q.time_q." in comment
    assert "| to confirm | `x.S.time_s` |" in comment and "not re-measured |" in comment


def measured(samples: list[float]) -> bench_compare.Measurement:
    stats = {"ci_99_a": min(samples), "ci_99_b": max(samples), "repeat": 12, "number": 1}
    return bench_compare.Measurement(sorted(samples)[6], stats, samples, "v1")


def test_holms_family_is_what_was_re_measured_when_the_first_batch_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The cheap candidate's fresh samples are 1.25x slower with p = 0.0325: confirmed in a
    family of one (alpha 0.05), not in a family of two (the smallest p against 0.025). The
    costly candidate is then left unmeasured, so the final settle must count one: the check
    fails naming the benchmark that was re-measured, and the other stays "to confirm"."""
    before = [1.0 + 0.01 * i for i in range(12)]
    after = [1.0, 1.01, 1.02, 1.085, *(1.3 + 0.01 * i for i in range(8))]
    p = bench_stats.mann_whitney_p(before, after)
    assert 0.025 <= p < 0.05  # the case: between the levels of a family of two and of one
    rows = [row("x.P.time_p", Verdict.CANDIDATE), row("x.S.time_s", Verdict.CANDIDATE)]
    fresh = {"x.P.time_p": (measured(before), measured(after))}
    status, calls, payload = check(monkeypatch, tmp_path, rows, slower=set(), fresh=fresh)
    assert calls == [("confirm", ["^x\\.P\\.time_p$"], "-a", "rounds=6")]
    assert status == bench_pr.EXIT_REGRESSION
    assert verdicts(payload) == {
        "x.P.time_p": Verdict.REGRESSION.value,
        "x.S.time_s": Verdict.CANDIDATE.value,
    }


def test_a_costly_candidate_is_re_measured_while_no_regression_is_confirmed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The cheap candidate was noise: the check can pass only if the costly one is noise too,
    so it is re-measured (in a call of its own, 6 rounds) and here confirmed."""
    rows = [row("x.P.time_p", Verdict.CANDIDATE), row("x.S.time_s", Verdict.CANDIDATE)]
    status, calls, payload = check(monkeypatch, tmp_path, rows, slower={"x.S.time_s"})
    assert calls == [
        ("confirm", ["^x\\.P\\.time_p$"], "-a", "rounds=6"),
        ("confirm-costly", ["^x\\.S\\.time_s$"], "-a", "rounds=6"),
    ]
    assert status == bench_pr.EXIT_REGRESSION
    assert verdicts(payload)["x.S.time_s"] == Verdict.REGRESSION.value
    assert verdicts(payload)["x.P.time_p"] == Verdict.UNCONFIRMED.value


def test_what_only_reports_is_left_out_past_the_time_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bench_pr, "CHECK_BUDGET_SECONDS", 30.0)  # under one report call
    rows = [row("x.Q.time_q", Verdict.SUGGESTED)]
    status, calls, payload = check(monkeypatch, tmp_path, rows, slower={"x.Q.time_q"})
    assert calls == [] and status == bench_pr.EXIT_OK
    assert verdicts(payload)["x.Q.time_q"] == Verdict.NOISE.value
    assert (
        "Not re-measured (the check's time budget): x.Q.time_q." in (tmp_path / "c.md").read_text()
    )


def test_the_cheap_batch_is_the_cheapest_within_its_budget() -> None:
    """Cheapest first while the estimate (20 s a call, 2 x rounds processes of each, 1 s a
    spawn on top of the screen's seconds) stays within the budget; never an empty batch."""
    seconds = {"a.A.time_a": 1.0, "a.B.time_b": 2.0, "a.C.time_c": 10.0}
    names = ["a.C.time_c", "a.B.time_b(1)", "a.A.time_a"]
    assert bench_cost.batch_seconds(["a.A.time_a"], seconds, 6) == 20 + 12 * 2.0
    assert bench_cost.cheap_first(names, seconds, 6, 80.0) == (
        ["a.A.time_a", "a.B.time_b(1)"], ["a.C.time_c"],
    )  # fmt: skip
    assert bench_cost.cheap_first(names, seconds, 6, 1.0) == (
        ["a.A.time_a"], ["a.B.time_b(1)", "a.C.time_c"],
    )  # fmt: skip
