"""Money events: contributions by source, vesting changes and forfeitures."""

from __future__ import annotations

from operator import eq, lt
from typing import Literal

from planalign_core.events.base import PayloadBase, field_check
from planalign_core.events.types import (
    ContributionSource,
    EmployerSource,
    LimitType,
    Money,
    Rate,
    VestingSchedule,
    Years,
)


class ContributionPayload(PayloadBase):
    """Money into the plan from one source; ``limit_applied`` names the IRS limit that cut it."""

    event_type: Literal["contribution"] = "contribution"
    contribution_source: ContributionSource
    amount: Money
    ytd_amount: Money
    limit_applied: LimitType | None = None

    _ytd_covers_amount = field_check("ytd_amount", lt, "amount", "must be at least amount")


class VestingPayload(PayloadBase):
    """The vested share of employer money changed."""

    event_type: Literal["vesting"] = "vesting"
    vesting_schedule: VestingSchedule
    years_of_service: Years
    previous_vested_percentage: Rate
    vested_percentage: Rate

    _changes = field_check(
        "vested_percentage", eq, "previous_vested_percentage", "a vesting event must change it"
    )


class ForfeiturePayload(PayloadBase):
    """Unvested employer money given up at termination."""

    event_type: Literal["forfeiture"] = "forfeiture"
    forfeiture_source: EmployerSource
    amount: Money
