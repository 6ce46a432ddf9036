"""The statistics behind a verdict, written out here rather than taken from asv's private
``asv._stats``: a two-sided Mann-Whitney U test.

Why ranks: benchmark samples are not normal (a busy neighbour adds a long right tail). The
family of ~40 comparisons a check makes is controlled in ``bench_compare.confirm`` (Bonferroni
over the candidates, on fresh data).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

EXACT_LIMIT = 30  # samples per side up to which the U distribution is counted exactly


@cache
def _u_counts(n: int, m: int) -> tuple[int, ...]:
    """How many orderings of ``n`` + ``m`` distinct values give each U (0 .. n*m).

    The classic recurrence: the largest value belongs to the first sample (adding ``m`` to U)
    or to the second; counts are integers, so the tails are exact.
    """
    if n == 0 or m == 0:
        return (1,)
    with_first = _u_counts(n - 1, m)
    with_second = _u_counts(n, m - 1)
    counts = [0] * (n * m + 1)
    for u, count in enumerate(with_first):
        counts[u + m] += count
    for u, count in enumerate(with_second):
        counts[u] += count
    return tuple(counts)


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def mann_whitney_u(first: Sequence[float], second: Sequence[float]) -> float:
    """U of ``first``: how many (first, second) pairs have the first value larger (ties 1/2)."""
    ranks = _ranks([*first, *second])
    n = len(first)
    return sum(ranks[:n]) - n * (n + 1) / 2


def mann_whitney_p(first: Sequence[float], second: Sequence[float]) -> float:
    """Two-sided p-value of "both samples come from one distribution".

    Exact (counted orderings) for up to ``EXACT_LIMIT`` values a side without ties; otherwise
    the normal approximation with the tie correction and a continuity correction. 1.0 when a
    side is empty.
    """
    n, m = len(first), len(second)
    if n == 0 or m == 0:
        return 1.0
    u = mann_whitney_u(first, second)
    tied = len(set(first) | set(second)) < n + m
    if not tied and max(n, m) <= EXACT_LIMIT:
        counts = _u_counts(n, m)
        total = sum(counts)
        extreme = min(u, n * m - u)  # U is symmetric about n*m/2
        tail = sum(counts[: math.floor(extreme) + 1]) / total
        return min(1.0, 2 * tail)
    values = [*first, *second]
    size = n + m
    tie_term = sum(t**3 - t for t in (values.count(v) for v in set(values)))
    variance = n * m / 12 * ((size + 1) - tie_term / (size * (size - 1)))
    if variance <= 0:
        return 1.0
    z = (abs(u - n * m / 2) - 0.5) / math.sqrt(variance)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))
