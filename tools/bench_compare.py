"""Judge two commits' asv results against the users' thresholds, benchmark by benchmark.

asv's own comparison treats every number as "larger is worse" with one factor. The users set
three limits (time +15 %, throughput -10 %, memory +20 %) and a fourth kind of benchmark,
simulation outputs for a fixed seed, has no "worse" at all: a change is reported, not judged.
Kinds come from the benchmark's name and unit (docs/benchmarks.md, "Writing a benchmark"):

- ``time_*``: time, larger is worse;
- ``peakmem_*`` (and ``mem_*``): memory, larger is worse;
- ``track_*`` whose unit ends in ``/s``: throughput, smaller is worse;
- ``track_*`` in seconds (or bytes): judged as a time (or a memory);
- ``track_*`` in ``instructions`` (a count valgrind makes; ``benchmarks/bench_instructions.py``):
  judged as a time, against the time threshold; deterministic, so any change of
  ``COUNT_FLOOR`` or more is shown without the p-value a sampled time needs, and one past the
  limit is a regression from the screen on (re-measured, it counts the same: the
  confirmation's 12 callgrind processes cost 150 s of a check and could not change it);
- any other ``track_*``: an output; any change is shown beside the timings.

A throughput is one value per commit (the best of a few calls in one process): judged on it, a
check failed on identical code whenever one process ran slow (`track_validate_objects_rate`
0.53 and again 0.61 on a quiet machine, 27 November, while its sampled twin
`time_validate_objects` measured 0.93 in the same check). So a throughput ``track_<stem>_rate``
(or ``_throughput``) with a sampled twin ``time_<stem>`` of the same class and parameters is
judged on the twin's samples, read as rates (:func:`twin_of`, :func:`as_rate`): the same work,
measured in several processes, with the throughput's limit.

A verdict is made in two stages (docs/benchmarks.md, "How a verdict is made"):

1. **screen** (:func:`judge`): a result past its limit is a *candidate*, on the limit alone.
   (A significance gate here, p < ``SCREEN_ALPHA`` on 4 samples a side, let a 25 % slowdown
   through beside a busy neighbour: ratios 1.24 and 1.20 at p = 0.11 and 0.06.) An
   improvement must also be significant;
2. **confirm** (:func:`confirm`): the candidates alone are measured again in fresh, interleaved
   processes; a candidate is a regression only if it passes its limit again and, where it has
   samples, differs at Holm's step-down level over the candidates (family-wise error
   ``FAMILY_ALPHA``, as Bonferroni, with more power; fresh data, so the screen's choice does
   not bias the test).

An improvement is claimed only on fresh samples: a sampled one past the limit and significant
in the screen (:attr:`Verdict.BETTER_TO_CONFIRM`) is re-measured beside the candidates and is
an improvement only if the fresh samples are past the limit again at ``p < REPORT_ALPHA``
(:func:`_settle_improvement`); in four A/A checks of the whole suite (27 November) two
screens found one on identical code (0.81, 0.81). One past the limit with a single value a
commit (a CLI run's seconds, a peak memory: re-measuring a whole run costs minutes) is shown
as :attr:`Verdict.BETTER_ONE_VALUE`, never as an improvement: an A/A check read the dbt CLI
run's seconds at 0.80.

A sampled time that moved by at least ``REPORT_FLOOR`` with ``p < REPORT_ALPHA`` but stays within
its limit is reported as a measured change, never failed: the table shows what changed even when
the check passes. Four samples a side rarely reach ``p < 0.05`` (only when every sample of one
commit lies beyond every sample of the other), so a slowdown that is only *suggested* (at least
``REPORT_FLOOR``, ``p < SUGGEST_ALPHA``: :attr:`Verdict.SUGGESTED`) is re-measured beside the
candidates, and shown if the fresh samples bear it out (:func:`confirm`). It never fails a
check and is not one of the candidates whose family Holm's level counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from asv.benchmarks import Benchmarks
from asv.commands.compare import unroll_result
from asv.results import iter_results_for_machine_and_hash
from asv.util import human_value
from asv_runner.statistics import get_err

from tools.bench_stats import mann_whitney_p

TIME_UNITS = frozenset({"seconds", "second", "s", "ms", "milliseconds"})
MEMORY_UNITS = frozenset({"bytes", "B", "MiB", "GiB", "MB", "GB"})
COUNT_UNITS = frozenset({"instructions"})
COUNT_FLOOR = 0.02  # the same code counts within ~0.2 %, +0.6 % beside a busy loop
OUTPUT_TOLERANCE = 1e-12  # relative: outputs are exact for a seed, this only absorbs float repr
SCREEN_ALPHA = 0.05  # stage 1: what an improvement must reach; stage 2 controls the family
FAMILY_ALPHA = 0.05  # stage 2: the chance of a false regression in one whole check, at most
REPORT_FLOOR = 0.04  # a measured change smaller than 4 % is not shown
REPORT_ALPHA = 0.05  # reachable with 4 samples a side (2 / C(8, 4) = 0.029)
SUGGEST_ALPHA = 0.25  # 4 v 4: p = 0.029, 0.057, 0.114, 0.2, 0.343, ...: 0-3 pairs out of 16


class Kind(Enum):
    TIME = "time"
    INSTRUCTIONS = "instructions"
    MEMORY = "memory"
    THROUGHPUT = "throughput"
    OUTPUT = "output"


# The users' thresholds: the relative change beyond which a result is a regression.
LIMITS: Mapping[Kind, float] = {
    Kind.TIME: 0.15,
    Kind.INSTRUCTIONS: 0.15,  # a time's stand-in: the time threshold
    Kind.MEMORY: 0.20,
    Kind.THROUGHPUT: 0.10,
}


class Verdict(Enum):
    REGRESSION = "regression"
    CANDIDATE = "to confirm"
    SUGGESTED = "to re-measure"
    BETTER_TO_CONFIRM = "improvement to re-measure"
    FAILED = "failed"
    UNCONFIRMED = "not confirmed"
    IMPROVEMENT = "improvement"
    BETTER_ONE_VALUE = "better, one value"
    SLOWER = "worse, within limit"
    FASTER = "better, within limit"
    OUTPUT_CHANGED = "output changed"
    FIXED = "fixed"
    NOT_COMPARABLE = "not comparable"
    NEW = "new"
    SKIPPED = "skipped"
    NOISE = "within noise"
    SAME = "unchanged"


REPORTED = (
    Verdict.REGRESSION,
    Verdict.CANDIDATE,
    Verdict.BETTER_TO_CONFIRM,
    Verdict.FAILED,
    Verdict.UNCONFIRMED,
    Verdict.IMPROVEMENT,
    Verdict.BETTER_ONE_VALUE,
    Verdict.SLOWER,
    Verdict.FASTER,
    Verdict.OUTPUT_CHANGED,
    Verdict.FIXED,
    Verdict.NOT_COMPARABLE,
)


@dataclass(frozen=True)
class Measurement:
    """One benchmark (one parameter combination) at one commit.

    ``value`` is None when the benchmark failed and NaN when it was skipped.
    """

    value: float | None
    stats: Mapping[str, Any] | None
    samples: Sequence[float] | None
    version: str | None


@dataclass(frozen=True)
class Row:
    name: str
    kind: Kind
    unit: str | None
    before: Measurement | None
    after: Measurement | None
    verdict: Verdict
    p_value: float | None = None
    confirmed_ratio: float | None = None  # stage 2, for candidates only
    confirmed_p: float | None = None
    twin: str | None = None  # the sampled time that judged this throughput
    twin_ratio: float | None = None  # its rate ratio (before / after of the twin's times)

    @property
    def ratio(self) -> float | None:
        return ratio_of(self.before, self.after)


def ratio_of(before: Measurement | None, after: Measurement | None) -> float | None:
    """after / before of the two results' values (their medians), None when not numbers."""
    if before is None or after is None:
        return None
    old, new = before.value, after.value
    if not _number(old) or not _number(new) or old == 0:
        return None
    return float(new) / float(old)  # type: ignore[arg-type]


_RATE_LEAF = re.compile(r"\.track_(?P<stem>\w+?)_(?:rate|throughput)(?P<params>\(.*\))?$")


def twin_of(name: str) -> str | None:
    """The sampled time twin's name of a throughput ``Class.track_<stem>_rate(params)``:
    ``Class.time_<stem>(params)``; None for another name."""
    match = _RATE_LEAF.search(name)
    if match is None:
        return None
    return f"{name[: match.start()]}.time_{match['stem']}{match['params'] or ''}"


def as_rate(measurement: Measurement) -> Measurement:
    """A time's result read as a rate (1 / seconds): ranks reverse, so a rank test's p is the
    same, and the ratio of two such rates is the time's before / after."""
    value = measurement.value
    rate = 1.0 / value if _number(value) and value else value
    samples = [1.0 / t for t in measurement.samples or () if t]
    return Measurement(rate, None, samples or None, measurement.version)


def _twins(
    name: str, kind: Kind, before: Mapping[str, Measurement], after: Mapping[str, Measurement]
) -> tuple[str, Measurement, Measurement] | None:
    """A throughput's twin and both commits' twin results as rates, where both are sampled."""
    twin = twin_of(name) if kind is Kind.THROUGHPUT else None
    old, new = (before.get(twin), after.get(twin)) if twin else (None, None)
    if twin is None or old is None or new is None or not (sampled(old) and sampled(new)):
        return None
    return twin, as_rate(old), as_rate(new)


def _number(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def kind_of(name: str, unit: str | None) -> Kind:
    """The kind of a benchmark, from the last part of its name and its unit."""
    leaf = name.split("(", maxsplit=1)[0].rsplit(".", 1)[-1]
    if leaf.startswith(("peakmem_", "mem_")):
        return Kind.MEMORY
    if leaf.startswith("track_"):
        unit = (unit or "").strip()
        if unit.endswith("/s"):
            return Kind.THROUGHPUT
        if unit in TIME_UNITS:
            return Kind.TIME
        if unit in COUNT_UNITS:
            return Kind.INSTRUCTIONS
        return Kind.MEMORY if unit in MEMORY_UNITS else Kind.OUTPUT
    return Kind.TIME


def sampled(measurement: Measurement) -> bool:
    """True when the result has the samples a rank test needs (two or more)."""
    return measurement.samples is not None and len(measurement.samples) >= 2


def p_value(before: Measurement, after: Measurement) -> float | None:
    """Two-sided Mann-Whitney U p-value of the samples; None for single-sample results."""
    if not sampled(before) or not sampled(after):
        return None
    return mann_whitney_p(list(before.samples or ()), list(after.samples or ()))


def direction(kind: Kind, ratio: float) -> tuple[bool, bool]:
    """(worse than the limit, better than the limit's mirror) for a ratio of ``kind``."""
    limit = LIMITS[kind]
    if kind is Kind.THROUGHPUT:
        return ratio < 1 - limit, ratio > 1 / (1 - limit)
    return ratio > 1 + limit, ratio < 1 / (1 + limit)


def _status(kind: Kind, before: Measurement | None, after: Measurement | None) -> Verdict | None:
    """The verdicts that need no numbers: failures, skips, new and changed benchmarks."""
    if after is None:
        return Verdict.NEW if before is None else Verdict.SKIPPED
    if after.value is None:
        return Verdict.FAILED
    if math.isnan(after.value):
        return Verdict.SKIPPED
    if before is None or not _number(before.value):
        return Verdict.NEW if before is None or before.value is not None else Verdict.FIXED
    if before.version is not None and after.version is not None and before.version != after.version:
        return Verdict.NOT_COMPARABLE
    return None


def judge(kind: Kind, before: Measurement | None, after: Measurement | None) -> Verdict:
    """Stage 1, the screen: the verdict for one benchmark between the base and the head.

    A regression found here is a :attr:`Verdict.CANDIDATE` until :func:`confirm` re-measures it.
    """
    status = _status(kind, before, after)
    if status is not None:
        return status
    assert before is not None and after is not None
    old, new = float(before.value), float(after.value)  # type: ignore[arg-type]
    if kind is Kind.OUTPUT:
        same = math.isclose(old, new, rel_tol=OUTPUT_TOLERANCE, abs_tol=0.0)
        return Verdict.SAME if same else Verdict.OUTPUT_CHANGED
    if old == 0:
        return Verdict.SAME if new == 0 else Verdict.NOT_COMPARABLE
    ratio = new / old
    worse, better = direction(kind, ratio)
    p = p_value(before, after)
    if worse:  # past the limit: stage 2 decides on fresh data, but a count is the same again
        return Verdict.REGRESSION if kind is Kind.INSTRUCTIONS else Verdict.CANDIDATE
    if better:
        if p is None:  # one value a commit, never re-measured: a slow base process looks alike
            return Verdict.BETTER_ONE_VALUE
        return Verdict.NOISE if p >= SCREEN_ALPHA else Verdict.BETTER_TO_CONFIRM
    counted = kind is Kind.INSTRUCTIONS and abs(math.log(ratio)) >= math.log1p(COUNT_FLOOR)
    moved, slower = past_floor(kind, ratio)
    if counted or (moved and p is not None and p < REPORT_ALPHA):
        return Verdict.SLOWER if slower else Verdict.FASTER
    if moved and slower and p is not None and p < SUGGEST_ALPHA:
        return Verdict.SUGGESTED  # :func:`confirm` shows it if fresh samples bear it out
    return Verdict.SAME


def past_floor(kind: Kind, ratio: float) -> tuple[bool, bool]:
    """(moved by at least ``REPORT_FLOOR`` either way, worse) for a ratio of ``kind``."""
    moved = abs(math.log(ratio)) >= math.log1p(REPORT_FLOOR)
    return moved, (ratio < 1 if kind is Kind.THROUGHPUT else ratio > 1)


def _ratio_and_p(
    old: Measurement | None, new: Measurement | None
) -> tuple[float | None, float | None]:
    """A re-measurement's ratio and rank-test p (None where either side is missing)."""
    if old is None or new is None:
        return None, None
    return ratio_of(old, new), p_value(old, new)


def _settle_suggested(row: Row, old: Measurement | None, new: Measurement | None) -> Row:
    """A suggested slowdown, re-measured: shown (``SLOWER``) when the fresh samples moved past
    the floor in the same direction at ``p < REPORT_ALPHA``, else left out (``NOISE``)."""
    ratio, p = _ratio_and_p(old, new)
    if ratio is None or p is None:
        return replace(row, verdict=Verdict.NOISE)
    moved, slower = past_floor(row.kind, ratio)
    shown = slower and moved and p < REPORT_ALPHA
    verdict = Verdict.SLOWER if shown else Verdict.NOISE
    return replace(row, verdict=verdict, confirmed_ratio=ratio, confirmed_p=p)


def _settle_improvement(row: Row, old: Measurement | None, new: Measurement | None) -> Row:
    """A screened improvement, re-measured: an improvement when the fresh samples are past the
    limit's mirror again at ``p < REPORT_ALPHA``, a change within the limit when they moved
    past the floor at that level, else left out (``NOISE``)."""
    ratio, p = _ratio_and_p(old, new)
    if ratio is None or p is None or p >= REPORT_ALPHA:
        return replace(row, verdict=Verdict.NOISE, confirmed_ratio=ratio, confirmed_p=p)
    moved, slower = past_floor(row.kind, ratio)
    if direction(row.kind, ratio)[1]:
        verdict = Verdict.IMPROVEMENT
    else:
        verdict = Verdict.FASTER if moved and not slower else Verdict.NOISE
    return replace(row, verdict=verdict, confirmed_ratio=ratio, confirmed_p=p)


def confirm(
    rows: Sequence[Row],
    before: Mapping[str, Measurement],
    after: Mapping[str, Measurement],
) -> list[Row]:
    """Stage 2: settle every candidate with its fresh measurement (``before``/``after``).

    Each candidate must pass its limit again; one with samples must also differ at Holm's
    level (:func:`holm_passed`: ``FAMILY_ALPHA / k`` for the smallest p of ``k`` candidates,
    ``/ (k - 1)`` for the next, ...). A candidate with no fresh result (its re-run failed)
    stays a regression: a check never passes for want of data. A suggested slowdown and a
    screened improvement are shown or left out on their fresh samples, outside that family
    (:func:`_settle_suggested`, :func:`_settle_improvement`).
    """
    fresh = {
        row.name: _fresh(row, before, after) for row in rows if row.verdict is Verdict.CANDIDATE
    }
    p_values = {
        name: p_value(old, new)
        for name, (old, new) in fresh.items()
        if old is not None and new is not None
    }
    significant = holm_passed(p_values, len(fresh))
    settled = []
    for row in rows:
        if row.verdict is Verdict.SUGGESTED:
            settled.append(_settle_suggested(row, *_fresh(row, before, after)))
            continue
        if row.verdict is Verdict.BETTER_TO_CONFIRM:
            settled.append(_settle_improvement(row, *_fresh(row, before, after)))
            continue
        if row.verdict is not Verdict.CANDIDATE:
            settled.append(row)
            continue
        old, new = fresh[row.name]
        ratio = ratio_of(old, new)
        if old is None or new is None or ratio is None:
            settled.append(replace(row, verdict=Verdict.REGRESSION))
            continue
        p = p_values[row.name]
        worse = direction(row.kind, ratio)[0] and (p is None or row.name in significant)
        verdict = Verdict.REGRESSION if worse else Verdict.UNCONFIRMED
        settled.append(replace(row, verdict=verdict, confirmed_ratio=ratio, confirmed_p=p))
    return settled


def _fresh(
    row: Row, before: Mapping[str, Measurement], after: Mapping[str, Measurement]
) -> tuple[Measurement | None, Measurement | None]:
    """A candidate's re-measurement: its own, or its twin's read as rates (``row.twin``)."""
    if row.twin is None:
        return before.get(row.name), after.get(row.name)
    old, new = before.get(row.twin), after.get(row.twin)
    return (as_rate(old) if old else None), (as_rate(new) if new else None)


def holm_passed(p_values: Mapping[str, float | None], family: int) -> set[str]:
    """The names whose p-value Holm's step-down rejects at ``FAMILY_ALPHA`` over ``family``
    tests: the smallest p against alpha / family, the next against alpha / (family - 1), and
    so on until one fails. The same family-wise error as Bonferroni (alpha / family for
    all), more power when one candidate is clearly slower: the others then face a milder
    level."""
    ordered = sorted((p, name) for name, p in p_values.items() if p is not None)
    passed = set()
    for rank, (p, name) in enumerate(ordered):
        if p >= FAMILY_ALPHA / max(family - rank, 1):
            break
        passed.add(name)
    return passed


def load_measurements(
    results_dir: str, machine: str, commit: str, benchmarks: Mapping[str, Any]
) -> dict[str, Measurement]:
    """Every result of ``commit`` on ``machine``, by benchmark name with its parameters."""
    found: dict[str, Measurement] = {}
    for result in iter_results_for_machine_and_hash(results_dir, machine, commit):
        for key in result.get_all_result_keys():
            if key not in benchmarks:
                continue
            params = result.get_result_params(key)
            rows = unroll_result(
                key,
                params,
                result.get_result_value(key, params),
                result.get_result_stats(key, params),
                result.get_result_samples(key, params),
            )
            version = result.benchmark_version.get(key)
            for name, value, stats, samples in rows:
                found[name] = Measurement(value, stats, samples, version)
    return found


def load_benchmarks(conf: Any, patterns: Sequence[str]) -> dict[str, Any]:
    """The suite's benchmark descriptions (from the last run), filtered like ``--bench``."""
    described: Mapping[str, Any] = Benchmarks.load(conf)
    return {
        name: info
        for name, info in described.items()
        if not patterns or any(re.search(pattern, name) for pattern in patterns)
    }


def compare(
    benchmarks: Mapping[str, Any],
    before: Mapping[str, Measurement],
    after: Mapping[str, Measurement],
) -> list[Row]:
    """Judge every benchmark present in either commit."""
    rows = []
    for name in sorted(set(before) | set(after)):
        key = name.split("(", maxsplit=1)[0]
        unit = benchmarks.get(key, {}).get("unit")
        kind = kind_of(key, unit)
        old, new = before.get(name), after.get(name)
        p = p_value(old, new) if old is not None and new is not None else None
        twins = _twins(name, kind, before, after) if _status(kind, old, new) is None else None
        if twins is None:
            rows.append(Row(name, kind, unit, old, new, judge(kind, old, new), p))
            continue
        twin, twin_old, twin_new = twins
        rows.append(
            Row(
                name, kind, unit, old, new, judge(kind, twin_old, twin_new),
                p_value(twin_old, twin_new), twin=twin, twin_ratio=ratio_of(twin_old, twin_new),
            )
        )  # fmt: skip
    return rows


def describe(measurement: Measurement | None, unit: str | None) -> str:
    """A value with its unit and spread, as asv prints it ("failed", "n/a" when skipped)."""
    if measurement is None:
        return "absent"
    if measurement.value is None:
        return "failed"
    if math.isnan(measurement.value):
        return "skipped"
    err = get_err(measurement.value, measurement.stats) if measurement.stats else None
    return str(human_value(measurement.value, unit, err=err))


def with_verdict(rows: Iterable[Row], *verdicts: Verdict) -> Iterator[Row]:
    return (row for row in rows if row.verdict in verdicts)
