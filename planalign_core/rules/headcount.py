"""The size of the workforce year by year (rules, "Hires"): each year's hires and how many of
them leave within it. Shared by the Polars engine's year and the run's check, before it starts,
that its hires fit the new-hire keys."""

from __future__ import annotations

from planalign_core.config import Config, units
from planalign_core.rng import RATE_SCALE


def hire_counts(experienced: int, terminated: int, config: Config) -> tuple[int, int]:
    """Rules, "Hires": ``(H, K)``, the hires of the year and how many of them leave in it."""
    growth = units(config.growth_rate)
    target = (experienced * (RATE_SCALE + growth) + RATE_SCALE // 2) // RATE_SCALE
    needed = target - (experienced - terminated)
    if needed <= 0:
        return 0, 0
    stay = RATE_SCALE - units(config.terminations.new_hire_rate)
    hires = (needed * RATE_SCALE + stay - 1) // stay
    return hires, hires - needed
