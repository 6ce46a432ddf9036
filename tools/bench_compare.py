"""Judge two commits' asv results against the users' thresholds, benchmark by benchmark.

asv's own comparison treats every number as "larger is worse" with one factor. The users set
three limits (time +15 %, throughput -10 %, memory +20 %) and a fourth kind of benchmark,
simulation outputs for a fixed seed, has no "worse" at all: a change is reported, not judged.
Kinds come from the benchmark's name and unit (docs/benchmarks.md, "Writing a benchmark"):

- ``time_*``: time, larger is worse;
- ``peakmem_*`` (and ``mem_*``): memory, larger is worse;
- ``track_*`` whose unit ends in ``/s``: throughput, smaller is worse;
- ``track_*`` in seconds (or bytes): judged as a time (or a memory);
- any other ``track_*``: an output; any change is shown beside the timings.

A change only counts when it passes the limit *and* asv's statistics say the two commits differ
(Mann-Whitney U on the samples, or non-overlapping 99 % intervals); single-sample results fall
back to the limit alone, as in ``asv compare``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from asv import _stats
from asv.benchmarks import Benchmarks
from asv.commands.compare import unroll_result
from asv.results import iter_results_for_machine_and_hash
from asv.util import human_value
from asv_runner.statistics import get_err

TIME_UNITS = frozenset({"seconds", "second", "s", "ms", "milliseconds"})
MEMORY_UNITS = frozenset({"bytes", "B", "MiB", "GiB", "MB", "GB"})
OUTPUT_TOLERANCE = 1e-12  # relative: outputs are exact for a seed, this only absorbs float repr


class Kind(Enum):
    TIME = "time"
    MEMORY = "memory"
    THROUGHPUT = "throughput"
    OUTPUT = "output"


# The users' thresholds: the relative change beyond which a result is a regression.
LIMITS: Mapping[Kind, float] = {Kind.TIME: 0.15, Kind.MEMORY: 0.20, Kind.THROUGHPUT: 0.10}


class Verdict(Enum):
    REGRESSION = "regression"
    FAILED = "failed"
    IMPROVEMENT = "improvement"
    OUTPUT_CHANGED = "output changed"
    FIXED = "fixed"
    NOT_COMPARABLE = "not comparable"
    NEW = "new"
    SKIPPED = "skipped"
    NOISE = "within noise"
    SAME = "unchanged"


REPORTED = (
    Verdict.REGRESSION,
    Verdict.FAILED,
    Verdict.IMPROVEMENT,
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

    @property
    def ratio(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        before, after = self.before.value, self.after.value
        if not _number(before) or not _number(after) or before == 0:
            return None
        return float(after) / float(before)  # type: ignore[arg-type]


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
        return Kind.MEMORY if unit in MEMORY_UNITS else Kind.OUTPUT
    return Kind.TIME


def significant(before: Measurement, after: Measurement) -> bool:
    """asv's test of a real difference; True when there is too little data to test."""
    a, b = before.stats, after.stats
    if not a or not b or a.get("repeat", 0) == 1 or b.get("repeat", 0) == 1:
        return True
    return bool(_stats.is_different(before.samples, after.samples, a, b))


def judge(kind: Kind, before: Measurement | None, after: Measurement | None) -> Verdict:
    """The verdict for one benchmark between the base (before) and the head (after)."""
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
    old, new = float(before.value), float(after.value)  # type: ignore[arg-type]
    if kind is Kind.OUTPUT:
        same = math.isclose(old, new, rel_tol=OUTPUT_TOLERANCE, abs_tol=0.0)
        return Verdict.SAME if same else Verdict.OUTPUT_CHANGED
    if old == 0:
        return Verdict.SAME if new == 0 else Verdict.NOT_COMPARABLE
    limit = LIMITS[kind]
    ratio = new / old
    worse = ratio < 1 - limit if kind is Kind.THROUGHPUT else ratio > 1 + limit
    better = ratio > 1 / (1 - limit) if kind is Kind.THROUGHPUT else ratio < 1 / (1 + limit)
    if not (worse or better):
        return Verdict.SAME
    if not significant(before, after):
        return Verdict.NOISE
    return Verdict.REGRESSION if worse else Verdict.IMPROVEMENT


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
        rows.append(
            Row(
                name,
                kind,
                unit,
                before.get(name),
                after.get(name),
                judge(kind, before.get(name), after.get(name)),
            )
        )
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
