"""The pull-request verdicts (tools/bench_compare.py): kinds, directions, limits, statistics."""

from __future__ import annotations

import math

import pytest

from tools.bench_compare import (
    Kind,
    Measurement,
    Verdict,
    compare,
    confirm,
    holm_passed,
    judge,
    kind_of,
    twin_of,
)
from tools.bench_pr import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REGRESSION,
    markdown,
    ratio_text,
    verdict_status,
)

NAN = math.nan


def single(value: float | None, version: str = "v1") -> Measurement:
    """A one-sample result: no statistics, so only the limit decides (as in asv compare)."""
    return Measurement(value, None, None, version)


def sampled(samples: list[float]) -> Measurement:
    """A result with samples and a 99 % interval, as asv records them."""
    ordered = sorted(samples)
    stats = {"ci_99_a": ordered[0], "ci_99_b": ordered[-1], "repeat": len(samples), "number": 1}
    return Measurement(ordered[len(ordered) // 2], stats, samples, "v1")


@pytest.mark.parametrize(
    ("name", "unit", "kind"),
    [
        ("bench_x.Ingest.time_ingest", "seconds", Kind.TIME),
        ("bench_x.Ingest.peakmem_ingest", "bytes", Kind.MEMORY),
        ("bench_x.Ingest.track_ingest_rate", "events/s", Kind.THROUGHPUT),
        ("bench_x.Sim.track_participation_rate", "share", Kind.OUTPUT),
        ("bench_x.Sim.track_total_deferrals", None, Kind.OUTPUT),
        ("bench_x.peakmem_reference", "bytes", Kind.MEMORY),
        ("bench_x.Cli.track_cli_seconds", "seconds", Kind.TIME),
        ("bench_x.Run.track_rss_growth", "bytes", Kind.MEMORY),
        ("bench_x.Engine.track_engine_instructions", "instructions", Kind.INSTRUCTIONS),
    ],
)
def test_kind_comes_from_prefix_and_unit(name: str, unit: str | None, kind: Kind) -> None:
    """A ``track_`` is throughput when its unit is a rate ("/s"), a time or a memory by its
    unit, else an output."""
    assert kind_of(name, unit) is kind


@pytest.mark.parametrize(
    ("kind", "before", "after", "verdict"),
    [
        (Kind.TIME, 1.00, 1.14, Verdict.SAME),  # inside +15 %
        (Kind.TIME, 1.00, 1.16, Verdict.CANDIDATE),  # a regression once re-measured
        (Kind.TIME, 1.00, 0.80, Verdict.BETTER_ONE_VALUE),  # one value: not an improvement
        (Kind.MEMORY, 100.0, 119.0, Verdict.SAME),  # inside +20 %
        (Kind.MEMORY, 100.0, 121.0, Verdict.CANDIDATE),
        (Kind.THROUGHPUT, 1000.0, 910.0, Verdict.SAME),  # inside -10 %
        (Kind.THROUGHPUT, 1000.0, 890.0, Verdict.CANDIDATE),  # smaller is worse
        (Kind.THROUGHPUT, 1000.0, 2000.0, Verdict.BETTER_ONE_VALUE),
        (Kind.INSTRUCTIONS, 1e9, 1.14e9, Verdict.SLOWER),  # inside +15 %, but shown
        (Kind.INSTRUCTIONS, 1e9, 1.16e9, Verdict.REGRESSION),  # a count: no re-measure
        (Kind.INSTRUCTIONS, 1e9, 1.015e9, Verdict.SAME),  # under the 2 % floor: load's effect
        (Kind.INSTRUCTIONS, 1e9, 0.95e9, Verdict.FASTER),
        (Kind.OUTPUT, 0.25, 0.25, Verdict.SAME),
        (Kind.OUTPUT, 0.25, 0.2501, Verdict.OUTPUT_CHANGED),  # any change, either direction
    ],
)
def test_users_limits_and_directions(
    kind: Kind, before: float, after: float, verdict: Verdict
) -> None:
    """Time +15 %, memory +20 %, throughput -10 % (smaller is worse), outputs: any change.
    Single-sample results pass the screen on the limit alone; an instruction count, judged as
    a time, is also shown when it moved by 2 % or more (load moves it by under 1 %)."""
    assert judge(kind, single(before), single(after)) is verdict


def test_a_large_slowdown_is_a_candidate_even_when_not_yet_significant() -> None:
    """Overlapping samples, median 30 % higher: the screen puts it forward (stage 2 decides
    on fresh data); the same spread the other way is no improvement."""
    before = sampled([1.0, 1.0, 1.05, 1.1, 1.1, 1.2, 1.3, 1.35, 1.4, 1.4])
    after = sampled([1.0, 1.05, 1.3, 1.35, 1.4, 1.4, 1.45, 1.5, 1.5, 1.55])
    assert after.value is not None and before.value is not None
    assert after.value / before.value > 1.15
    assert judge(Kind.TIME, before, after) is Verdict.CANDIDATE
    assert judge(Kind.TIME, after, before) is Verdict.NOISE


def test_an_improvement_needs_samples_that_bear_it_out() -> None:
    """A clean sampled speed-up is an improvement to re-measure; the same ratio from one value
    a commit (a slow base process looks alike) is only "better, one value", never claimed."""
    before = sampled([1.0 + 0.01 * i for i in range(4)])
    after = sampled([0.7 + 0.01 * i for i in range(4)])
    assert judge(Kind.TIME, before, after) is Verdict.BETTER_TO_CONFIRM
    assert judge(Kind.TIME, single(1.0), single(0.7)) is Verdict.BETTER_ONE_VALUE
    assert judge(Kind.MEMORY, single(100.0), single(70.0)) is Verdict.BETTER_ONE_VALUE


def improved_row() -> list:  # type: ignore[type-arg]
    bench = {"b.S.time_a": {"unit": "seconds"}}
    rows = compare(bench, {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(4)])},
                   {"b.S.time_a": sampled([0.8 + 0.01 * i for i in range(4)])})  # fmt: skip
    assert [row.verdict for row in rows] == [Verdict.BETTER_TO_CONFIRM]
    return rows


def test_an_improvement_borne_out_by_fresh_samples_is_claimed() -> None:
    fresh_before = {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(6)])}
    fresh_after = {"b.S.time_a": sampled([0.8 + 0.01 * i for i in range(6)])}
    settled = confirm(improved_row(), fresh_before, fresh_after)
    assert settled[0].verdict is Verdict.IMPROVEMENT
    assert settled[0].confirmed_ratio is not None and settled[0].confirmed_ratio < 1 / 1.15


def test_an_improvement_that_fresh_samples_do_not_bear_out_is_left_out() -> None:
    """Four A/A checks of the whole suite screened two "improvements" on identical code
    (0.81); re-measured alike, they are noise and the table does not show them."""
    same = {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(6)])}
    settled = confirm(improved_row(), same, same)
    assert settled[0].verdict is Verdict.NOISE
    assert "b.S.time_a" not in markdown(settled, "a" * 40, "b" * 40, EXIT_OK, None)
    within = {"b.S.time_a": sampled([0.92 + 0.01 * i for i in range(6)])}  # 8 % faster
    assert confirm(improved_row(), same, within)[0].verdict is Verdict.FASTER


def test_a_clear_slowdown_with_samples_is_a_candidate() -> None:
    before = sampled([1.0 + 0.01 * i for i in range(10)])
    after = sampled([2.0 + 0.01 * i for i in range(10)])
    assert judge(Kind.TIME, before, after) is Verdict.CANDIDATE


def test_a_change_within_the_limit_is_reported_not_failed() -> None:
    """10 % slower on clean samples (p < 0.05, beyond the 4 % floor): shown, never a failure;
    2 % slower is not shown."""
    before = sampled([1.0 + 0.001 * i for i in range(8)])
    ten = sampled([1.1 + 0.001 * i for i in range(8)])
    two = sampled([1.02 + 0.001 * i for i in range(8)])
    assert judge(Kind.TIME, before, ten) is Verdict.SLOWER
    assert judge(Kind.TIME, ten, before) is Verdict.FASTER
    assert judge(Kind.TIME, before, two) is Verdict.SAME


def test_a_slowdown_within_the_limit_that_four_samples_only_suggest_is_re_measured() -> None:
    """10 % slower, but the samples overlap (p = 0.2 on 4 a side): re-measured, not yet shown;
    the same overlap 10 % faster, or 2 % slower, is left alone."""
    before = sampled([1.0, 1.02, 1.04, 1.15])
    after = sampled([1.08, 1.12, 1.14, 1.16])
    assert judge(Kind.TIME, before, after) is Verdict.SUGGESTED
    assert judge(Kind.TIME, after, before) is Verdict.SAME
    assert judge(Kind.TIME, before, sampled([1.01, 1.03, 1.05, 1.16])) is Verdict.SAME


def suggested_row(kind: Kind = Kind.TIME) -> list:  # type: ignore[type-arg]
    bench = {"b.S.time_a": {"unit": "seconds"}, "b.S.time_c": {"unit": "seconds"}}
    base = sampled([1.0, 1.02, 1.04, 1.15])
    rows = compare(bench, {"b.S.time_a": base, "b.S.time_c": base},
                   {"b.S.time_a": sampled([1.08, 1.12, 1.14, 1.16]),
                    "b.S.time_c": sampled([2.0, 2.1, 2.2, 2.3])})  # fmt: skip
    assert [row.verdict for row in rows] == [Verdict.SUGGESTED, Verdict.CANDIDATE]
    return rows


def test_a_suggested_slowdown_borne_out_by_fresh_samples_is_shown_never_failed() -> None:
    """Fresh, 6 a side, 10 % slower and fully separated: shown as a change within the limit,
    and the candidate beside it still faces 0.05 / 1 (the suggestion is not in its family)."""
    fresh_before = {n: sampled([1.0 + 0.01 * i for i in range(6)]) for n in ("b.S.time_a",)}
    fresh_before["b.S.time_c"] = sampled([1.0, 1.01, 1.02, 1.03])
    fresh_after = {
        "b.S.time_a": sampled([1.1 + 0.01 * i for i in range(6)]),
        "b.S.time_c": sampled([2.0, 2.01, 2.02, 2.03]),  # p = 0.029: passes 0.05 alone only
    }
    settled = confirm(suggested_row(), fresh_before, fresh_after)
    assert [row.verdict for row in settled] == [Verdict.SLOWER, Verdict.REGRESSION]
    assert settled[0].confirmed_ratio == pytest.approx(1.13 / 1.03)
    assert verdict_status(settled[:1])[0] == EXIT_OK


def test_a_suggested_slowdown_that_fresh_samples_do_not_bear_out_is_left_out() -> None:
    same = {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(6)])}
    settled = confirm(suggested_row()[:1], same, same)
    assert settled[0].verdict is Verdict.NOISE
    assert "b.S.time_a" not in markdown(settled, "a" * 40, "b" * 40, EXIT_OK, None)


BENCH = {"b.S.time_a": {"unit": "seconds"}, "b.S.time_b": {"unit": "seconds"}}


def screened(after_a: list[float]) -> list:  # type: ignore[type-arg]
    base = sampled([1.0 + 0.01 * i for i in range(6)])
    rows = compare(BENCH, {"b.S.time_a": base, "b.S.time_b": base},
                   {"b.S.time_a": sampled(after_a), "b.S.time_b": base})  # fmt: skip
    assert [row.verdict for row in rows] == [Verdict.CANDIDATE, Verdict.SAME]
    return rows


def test_a_candidate_that_regresses_again_is_confirmed() -> None:
    rows = screened([1.5 + 0.01 * i for i in range(6)])
    again = {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(6)])}
    slower = {"b.S.time_a": sampled([1.4 + 0.01 * i for i in range(6)])}
    settled = confirm(rows, again, slower)
    assert [row.verdict for row in settled] == [Verdict.REGRESSION, Verdict.SAME]
    assert settled[0].confirmed_ratio == pytest.approx(1.43 / 1.03)  # upper medians
    assert settled[0].confirmed_p == pytest.approx(2 / 924)  # 6 v 6, fully separated


def test_a_candidate_that_does_not_regress_again_is_not_confirmed() -> None:
    rows = screened([1.5 + 0.01 * i for i in range(6)])
    same = {"b.S.time_a": sampled([1.0 + 0.01 * i for i in range(6)])}
    settled = confirm(rows, same, same)
    assert settled[0].verdict is Verdict.UNCONFIRMED


def test_confirmation_divides_the_level_among_the_candidates() -> None:
    """Three candidates: each must reach p < 0.05 / 3. Four fresh samples a side can reach
    at best 2 / C(8, 4) = 0.029, so even a clear slowdown is not confirmed on so few."""
    base = [1.0, 1.01, 1.02, 1.03]
    names = ["b.S.time_a", "b.S.time_b", "b.S.time_c"]
    bench = {name: {"unit": "seconds"} for name in names}
    rows = compare(bench, {n: sampled(base) for n in names},
                   {n: sampled([2 * x for x in base]) for n in names})  # fmt: skip
    assert all(row.verdict is Verdict.CANDIDATE for row in rows)
    fresh_before = {n: sampled(base) for n in names}
    fresh_after = {n: sampled([2 * x for x in base]) for n in names}
    assert all(
        row.verdict is Verdict.UNCONFIRMED for row in confirm(rows, fresh_before, fresh_after)
    )
    one = confirm(rows[:1], fresh_before, fresh_after)  # alone, 0.029 < 0.05: confirmed
    assert one[0].verdict is Verdict.REGRESSION


def test_holm_steps_down_from_the_smallest_p() -> None:
    """Two candidates at p = 0.02 and 0.041: Bonferroni (0.025 each) confirms only the first;
    Holm confirms it (0.02 < 0.05 / 2) and then the second (0.041 < 0.05 / 1)."""
    assert holm_passed({"a": 0.02, "b": 0.041}, 2) == {"a", "b"}
    assert holm_passed({"a": 0.02, "b": 0.06}, 2) == {"a"}
    assert holm_passed({"a": 0.026, "b": 0.041}, 2) == set()  # the first step is Bonferroni's
    assert holm_passed({"a": 0.03, "b": 0.03}, 2) == set()  # 0.03 >= 0.025: it stops at once
    assert holm_passed({"a": 0.02, "b": None}, 3) == set()  # the family counts every candidate
    assert holm_passed({"a": 0.01, "b": None}, 3) == {"a"}


def test_holm_in_the_confirmation_confirms_one_clear_of_two() -> None:
    base = [1.0, 1.01, 1.02, 1.03]
    names = ["b.S.time_a", "b.S.time_b"]
    bench = {name: {"unit": "seconds"} for name in names}
    rows = compare(bench, {n: sampled(base) for n in names},
                   {n: sampled([2 * x for x in base]) for n in names})  # fmt: skip
    fresh_before = {n: sampled([*base, 1.04, 1.05]) for n in names}
    fresh_after = {  # a: fully separated, 6 v 6 (p = 0.002); b: the limit passed, p >= 0.05
        "b.S.time_a": sampled([2 * x for x in [*base, 1.04, 1.05]]),
        "b.S.time_b": sampled([0.9, 1.02, 1.3, 1.3, 1.3, 1.3]),
    }
    settled = confirm(rows, fresh_before, fresh_after)
    assert [row.verdict for row in settled] == [Verdict.REGRESSION, Verdict.UNCONFIRMED]


def test_a_candidate_without_a_fresh_result_stays_a_regression() -> None:
    rows = screened([1.5 + 0.01 * i for i in range(6)])
    assert confirm(rows, {}, {})[0].verdict is Verdict.REGRESSION


def test_a_throughput_names_its_sampled_twin() -> None:
    assert twin_of("b.Ingest.track_ingest_rate(1000000)") == "b.Ingest.time_ingest(1000000)"
    assert twin_of("b.V.track_validate_objects_rate(10)") == "b.V.time_validate_objects(10)"
    assert twin_of("b.KeyedDraw.track_draw_throughput(4)") == "b.KeyedDraw.time_draw(4)"
    assert twin_of("b.Sweep.track_sweep_rate(2)") == "b.Sweep.time_sweep(2)"
    assert twin_of("b.Sweep.track_runs_per_second(2)") is None
    assert twin_of("b.Ingest.time_ingest(10)") is None


RATE = "b.V.track_validate_objects_rate(10000)"
TWIN = "b.V.time_validate_objects(10000)"
BENCH = {"b.V.track_validate_objects_rate": {"unit": "events/s"},
         "b.V.time_validate_objects": {"unit": "seconds"}}  # fmt: skip


def test_a_slow_process_does_not_fail_a_throughput_whose_twin_is_unchanged() -> None:
    """27 November, quiet machine, identical code: the one-process rate measured 0.53, its
    sampled twin 0.93. The twin's samples judge it: unchanged, not a candidate."""
    times = [0.080, 0.082, 0.081, 0.083]
    before = {RATE: single(125_000.0), TWIN: sampled(times)}
    after = {RATE: single(66_500.0), TWIN: sampled([t * 0.93 for t in times])}
    row = next(row for row in compare(BENCH, before, after) if row.name == RATE)
    assert row.ratio == pytest.approx(0.532)
    assert row.twin == TWIN and row.twin_ratio == pytest.approx(1 / 0.93)
    assert row.verdict is not Verdict.CANDIDATE and row.verdict is not Verdict.REGRESSION
    assert ratio_text(row) == "0.53 (judged on time_validate_objects(10000): 1.08)"


def test_a_throughput_whose_twin_slowed_is_a_candidate_and_is_confirmed_on_the_twin() -> None:
    times = [0.080, 0.081, 0.082, 0.083, 0.084, 0.085]
    before = {RATE: single(125_000.0), TWIN: sampled(times[:4])}
    after = {RATE: single(124_000.0), TWIN: sampled([t * 1.3 for t in times[:4]])}
    row = next(row for row in compare(BENCH, before, after) if row.name == RATE)
    assert row.verdict is Verdict.CANDIDATE  # the rate alone (0.99) would have passed
    fresh_before, fresh_after = {TWIN: sampled(times)}, {TWIN: sampled([t * 1.3 for t in times])}
    settled = confirm([row], fresh_before, fresh_after)[0]
    assert settled.verdict is Verdict.REGRESSION
    assert settled.confirmed_ratio == pytest.approx(1 / 1.3)
    assert settled.confirmed_p == pytest.approx(2 / 924)
    same = confirm([row], fresh_before, {TWIN: sampled(times)})[0]
    assert same.verdict is Verdict.UNCONFIRMED


def test_a_failed_throughput_is_failed_whatever_its_twin() -> None:
    times = [0.080, 0.081, 0.082, 0.083]
    before = {RATE: single(125_000.0), TWIN: sampled(times)}
    after = {RATE: single(None), TWIN: sampled(times)}
    row = next(row for row in compare(BENCH, before, after) if row.name == RATE)
    assert row.verdict is Verdict.FAILED and row.twin is None


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (single(1.0), single(None), Verdict.FAILED),
        (single(None), single(1.0), Verdict.FIXED),
        (single(NAN), single(1.0), Verdict.NEW),  # the feature is new in the head commit
        (None, single(1.0), Verdict.NEW),
        (single(1.0), single(NAN), Verdict.SKIPPED),
        (single(1.0), None, Verdict.SKIPPED),
        (single(1.0, "v1"), single(3.0, "v2"), Verdict.NOT_COMPARABLE),  # benchmark code changed
    ],
)
def test_failures_skips_and_changed_benchmarks(
    before: Measurement | None, after: Measurement | None, verdict: Verdict
) -> None:
    assert judge(Kind.TIME, before, after) is verdict


def test_status_prefers_a_failure_and_names_the_benchmarks() -> None:
    """Exit 2 (failed to run) over exit 1 (regression); the message names the benchmarks."""
    benchmarks = {"b.S.time_a": {"unit": "seconds"}, "b.S.time_b": {"unit": "seconds"}}
    before = {"b.S.time_a": single(1.0), "b.S.time_b": single(1.0)}
    slow = compare(benchmarks, before, {"b.S.time_a": single(2.0), "b.S.time_b": single(1.0)})
    assert verdict_status(slow) == (EXIT_REGRESSION, "PERFORMANCE REGRESSION: b.S.time_a")
    broken = compare(benchmarks, before, {"b.S.time_a": single(2.0), "b.S.time_b": single(None)})
    status, message = verdict_status(broken)
    assert status == EXIT_FAILED
    assert "FAILED TO RUN" in message and "b.S.time_b" in message
    same = compare(benchmarks, before, before)
    assert verdict_status(same)[0] == EXIT_OK


def test_markdown_table_lists_changed_benchmarks_only() -> None:
    benchmarks = {"b.S.time_a": {"unit": "seconds"}, "b.S.time_b": {"unit": "seconds"}}
    before = {"b.S.time_a": single(1.0), "b.S.time_b": single(1.0)}
    rows = compare(benchmarks, before, {"b.S.time_a": single(2.0), "b.S.time_b": single(1.01)})
    rows = confirm(rows, before, {"b.S.time_a": single(1.9)})
    text = markdown(rows, "a" * 40, "b" * 40, EXIT_REGRESSION)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == 3  # header, separator and the one changed row
    assert "`b.S.time_a`" in table[2] and "**regression**" in table[2]
    assert "| 2.00 | 1.90 |" in table[2]  # the screen's ratio, then the re-measured one
    assert "b.S.time_b" not in text
