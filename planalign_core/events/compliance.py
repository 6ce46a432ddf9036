"""Compliance events: highly-compensated status and IRS limits reached."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from planalign_core.events.base import PayloadBase, field_error
from planalign_core.events.types import LimitType, Money


class HceStatusPayload(PayloadBase):
    """HCE determination: prior-year (look-back) pay above the year's threshold."""

    event_type: Literal["hce_status"] = "hce_status"
    is_hce: bool
    hce_threshold: Money
    lookback_compensation: Money

    @model_validator(mode="after")
    def _flag_matches_pay(self) -> HceStatusPayload:
        if self.is_hce != (self.lookback_compensation > self.hce_threshold):
            raise field_error("payload.is_hce", "must equal lookback_compensation > hce_threshold")
        return self


class CompliancePayload(PayloadBase):
    """An IRS limit applies to this employee: the limit and the amount measured against it."""

    event_type: Literal["compliance"] = "compliance"
    limit_type: LimitType
    applicable_limit: Money
    current_amount: Money
