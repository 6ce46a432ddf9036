"""The verdict's statistics (tools/bench_stats.py), against values worked out by hand."""

from __future__ import annotations

import pytest

from tools.bench_stats import mann_whitney_p, mann_whitney_u


def test_u_counts_the_pairs_won_by_the_first_sample() -> None:
    # 3 > 2; 5 > 2 and 5 > 4: three pairs won; a tie counts a half.
    assert mann_whitney_u([1, 3, 5], [2, 4, 6]) == 3
    assert mann_whitney_u([2, 2], [2, 1]) == pytest.approx(3.0)  # 2 ties (1) + 2 wins


def test_exact_p_value_of_fully_separated_samples() -> None:
    # Only 1 of C(6, 3) = 20 orderings is as extreme on each side: p = 2 / 20.
    assert mann_whitney_p([1, 2, 3], [4, 5, 6]) == pytest.approx(0.1)
    assert mann_whitney_p([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]) == pytest.approx(2 / 252)


def test_exact_p_value_in_the_middle() -> None:
    # U = 3 for n = m = 3; the counts of U = 0..3 are 1, 1, 2, 3 of 20: p = 2 * 7 / 20.
    assert mann_whitney_p([1, 3, 5], [2, 4, 6]) == pytest.approx(0.7)


def test_identical_samples_are_not_different() -> None:
    assert mann_whitney_p([1.0] * 5, [1.0] * 5) == 1.0
    assert mann_whitney_p([], [1.0]) == 1.0


def test_ties_use_the_normal_approximation() -> None:
    """With ties the exact count does not apply; fully separated tied groups of 8 a side give
    variance 64 / 12 * (17 - 2 * (8**3 - 8) / 240) = 68.27, z = (32 - 0.5) / 8.262 = 3.813,
    p = 2 * (1 - Phi(3.813)) = 1.37e-4."""
    assert mann_whitney_p([1.0] * 8, [2.0] * 8) == pytest.approx(1.37e-4, rel=0.02)
