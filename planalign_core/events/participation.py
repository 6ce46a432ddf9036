"""Participation events: eligibility, enrolment (or opting out) and deferral escalation."""

from __future__ import annotations

from datetime import date
from operator import gt, le, lt
from typing import Literal

from pydantic import model_validator

from planalign_core.events.base import DateRule, PayloadBase, field_check, field_error
from planalign_core.events.types import EligibilityRule, EnrollmentSource, Rate


class EligibilityPayload(PayloadBase):
    """The employee met the plan's eligibility rule and enters the plan on ``plan_entry_date``."""

    event_type: Literal["eligibility"] = "eligibility"
    eligibility_rule: EligibilityRule
    plan_entry_date: date

    _date_rule = DateRule("plan_entry_date", lt, "must not be before the effective date")


class EnrollmentPayload(PayloadBase):
    """An election: auto-enrolment, a voluntary election, or an opt-out (both rates zero)."""

    event_type: Literal["enrollment"] = "enrollment"
    pre_tax_rate: Rate
    roth_rate: Rate
    enrollment_source: EnrollmentSource

    @model_validator(mode="after")
    def _consistent(self) -> EnrollmentPayload:
        total = self.pre_tax_rate + self.roth_rate
        if self.enrollment_source is EnrollmentSource.OPT_OUT and total != 0:
            raise field_error("payload.pre_tax_rate", "an opt-out carries zero rates")
        if self.enrollment_source is not EnrollmentSource.OPT_OUT and total == 0:
            raise field_error("payload.pre_tax_rate", "an enrolment needs a positive rate")
        if total > 1:
            raise field_error("payload.roth_rate", "pre_tax_rate + roth_rate exceeds 1")
        return self


class DeferralEscalationPayload(PayloadBase):
    """An automatic increase of the deferral rate, never above the plan's cap."""

    event_type: Literal["deferral_escalation"] = "deferral_escalation"
    previous_rate: Rate
    new_rate: Rate
    rate_cap: Rate

    _increases = field_check("new_rate", le, "previous_rate", "must be above previous_rate")
    _within_cap = field_check("new_rate", gt, "rate_cap", "must not exceed rate_cap")
