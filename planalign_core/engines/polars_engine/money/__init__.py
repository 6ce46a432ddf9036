"""Money: contributions, IRS limits, employer money, vesting, balances, HCE (rules, "Money").

:func:`money_year` turns one year's frame (the state entering the year and the new hires), the
year's events of types 1-7 (in memory, never ``fct_yearly_events``) and the money state at the
end of the previous year into the money events, ``int_employee_contributions``,
``int_participant_balances``, the inputs of the weekly balance snapshots, and the next money
state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from time import perf_counter

import polars as pl

from planalign_core.collect import ENGINE
from planalign_core.config import Config
from planalign_core.engines.contract import RunKeys
from planalign_core.engines.polars_engine.money import balances, contributions, hce, timeline
from planalign_core.engines.polars_engine.money.balances import initial_state
from planalign_core.engines.polars_engine.money.common import KEY, lit64
from planalign_core.engines.polars_engine.money.contributions import YearRules, year_rules
from planalign_core.engines.polars_engine.money.events import money_events
from planalign_core.engines.polars_engine.money.tables import balances_table, contributions_table
from planalign_core.engines.polars_engine.money.vesting import vesting_changes


@dataclass(frozen=True)
class MoneyYear:
    """One year's money: events, the two tables, the weekly inputs and the next state."""

    events: pl.DataFrame
    contributions: pl.DataFrame
    balances: pl.DataFrame
    annual: pl.DataFrame
    segments: pl.DataFrame
    rules: YearRules
    state: pl.DataFrame
    seconds: float

    def without_weekly_inputs(self) -> MoneyYear:
        """This year with ``annual`` and ``segments`` emptied, once the weekly snapshots are
        computed from them: nothing else reads them, and kept they were held through the next
        year's compute."""
        return replace(self, annual=self.annual.clear(), segments=self.segments.clear())


def money_year(
    year_frame: pl.DataFrame,
    workforce_events: pl.DataFrame,
    state: pl.DataFrame,
    *,
    config: Config,
    keys: RunKeys,
    year: int,
) -> MoneyYear:
    """Rules, "Money", for one year."""
    started = perf_counter()
    rules = year_rules(config, year)
    people = (
        timeline.people(year_frame, year)
        .with_columns(
            contributions.catch_up_limit(config, rules).alias("catch_up_limit"),
            contributions.catch_up_changed(config, rules).alias("catch_up_changed"),
        )
        .with_columns(
            (lit64(rules.limits.deferral_402g) + pl.col("catch_up_limit")).alias("ded_limit")
        )
    )
    extra = people.lazy().select(KEY, "ded_limit")
    segs = timeline.segments(people, workforce_events, extra, year)
    amounts = contributions.segment_amounts(segs, rules).collect(engine=ENGINE)
    previous = state.lazy().rename({"is_hce": "was_hce"})
    frame = contributions.annual(people, amounts.lazy(), rules).join(
        previous, on=KEY, how="left", maintain_order="left"
    )
    frame = hce.with_hce(frame, rules.lookback_limits.hce_threshold, rules.first)
    annual = balances.with_balances(frame, config, rules.last).collect(engine=ENGINE)
    balances.check_balances(annual, year)
    changes = vesting_changes(people.lazy(), config, year).collect(engine=ENGINE)
    events = money_events(
        annual,
        changes=changes,
        workforce_events=workforce_events,
        config=config,
        rules=rules,
        keys=keys,
    )
    contributions_rows = contributions_table(annual, rules, keys)
    balance_rows = balances_table(annual, rules, keys)
    return MoneyYear(
        events=events,
        contributions=contributions_rows,
        balances=balance_rows,
        annual=annual,
        segments=amounts,
        rules=rules,
        state=balances.next_state(annual),
        seconds=perf_counter() - started,
    )


__all__ = ["MoneyYear", "initial_state", "money_year"]
