"""The configuration's models: each section of ``defaults.toml`` and the whole :class:`Config`
with its cross-checks. Unknown keys are errors (``extra="forbid"``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from planalign_core.config.values import Dollars, MonthDay, Probability, Rate, SignedRate, Years
from planalign_core.events.types import Identifier


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_bands(bands: Sequence[Any], bound: str) -> None:
    bounds = [getattr(band, bound) for band in bands]
    if not bounds or bounds[0] != 0:
        raise ValueError(f"the first entry's {bound} must be 0")
    if any(later <= earlier for earlier, later in itertools.pairwise(bounds)):
        raise ValueError(f"{bound} must increase strictly from one entry to the next")


def _ordered(low: str, high: str, message: str = "{low} exceeds {high}") -> Any:
    """An ``after`` model validator: the key ``low`` must not exceed the key ``high``. Each
    section that bounds a range by two keys (ages, pay, limits, dates) checks it through this one
    comparison; ``message`` may name the values (``{low_value}``, ``{high_value}``)."""

    def check(model: _Model) -> _Model:
        low_value, high_value = getattr(model, low), getattr(model, high)
        if low_value > high_value:
            raise ValueError(
                message.format(low=low, high=high, low_value=low_value, high_value=high_value)
            )
        return model

    return model_validator(mode="after")(check)


def _check_weights(weights: Sequence[Decimal], what: str) -> None:
    if sum(weights, Decimal(0)) != 1:
        raise ValueError(f"{what} must sum to exactly 1 (they sum to {sum(weights, Decimal(0))})")


class Level(_Model):
    level: int = Field(ge=1, strict=True)
    pay_min: Dollars
    pay_max: Dollars
    merit_rate: Probability
    promotion_rate: Probability
    termination_adjustment: SignedRate
    hire_weight: Probability
    census_weight: Probability
    census_age_min: Years
    census_age_max: Years
    census_max_tenure: Years

    _pay = _ordered("pay_min", "pay_max", "{low} ({low_value}) exceeds {high} ({high_value})")
    _ages = _ordered("census_age_min", "census_age_max")


class CensusSettings(_Model):
    initial_participation_rate: Probability
    min_hire_age: Years


class Hiring(_Model):
    age_min: int = Field(ge=16, le=100, strict=True)
    age_max: int = Field(ge=16, le=100, strict=True)

    _ages = _ordered("age_min", "age_max")


class TenureBand(_Model):
    min_tenure: Years
    rate: Probability


class Terminations(_Model):
    tenure_bands: list[TenureBand]
    new_hire_rate: Annotated[Rate, Field(ge=0, lt=1)]
    involuntary_share: Probability
    retirement_age: Years
    retirement_rate: Probability

    @field_validator("tenure_bands")
    @classmethod
    def _bands(cls, bands: list[TenureBand]) -> list[TenureBand]:
        _check_bands(bands, "min_tenure")
        return bands


class Compensation(_Model):
    cola_rate: Probability
    merit_spread: Probability
    promotion_raise: Probability
    promotion_date: MonthDay
    merit_date: MonthDay

    # "MM-DD" strings order as the dates do
    _order = _ordered("promotion_date", "merit_date", "{low} must not fall after {high}")


class Eligibility(_Model):
    rule: Literal["immediate", "waiting_period", "age_and_service"]
    min_age: Years
    waiting_days: int = Field(ge=0, le=3660, strict=True)


class AutoEnrollment(_Model):
    enabled: StrictBool  # true/false only: "no" or 0 is a mistake, not False
    default_rate: Annotated[Rate, Field(gt=0, le=1)]
    opt_out_rate: Probability
    opt_out_window_days: int = Field(ge=0, le=366, strict=True)


class AgeBand(_Model):
    min_age: Years
    rate: Probability


class PayBand(_Model):
    min_pay: Dollars
    adjustment: SignedRate


class DeferralChoice(_Model):
    rate: Annotated[Rate, Field(gt=0, le=1)]
    weight: Probability


class VoluntaryEnrollment(_Model):
    age_bands: list[AgeBand]
    pay_bands: list[PayBand]
    deferral_rates: list[DeferralChoice] = Field(min_length=1)

    @field_validator("age_bands")
    @classmethod
    def _ages(cls, bands: list[AgeBand]) -> list[AgeBand]:
        _check_bands(bands, "min_age")
        return bands

    @field_validator("pay_bands")
    @classmethod
    def _pays(cls, bands: list[PayBand]) -> list[PayBand]:
        _check_bands(bands, "min_pay")
        return bands

    @field_validator("deferral_rates")
    @classmethod
    def _weights(cls, choices: list[DeferralChoice]) -> list[DeferralChoice]:
        _check_weights([c.weight for c in choices], "the weights")
        return choices


class Enrollment(_Model):
    max_deferral_rate: Annotated[Rate, Field(gt=0, le=1)]
    auto: AutoEnrollment
    voluntary: VoluntaryEnrollment


class Escalation(_Model):
    enabled: StrictBool  # true/false only: "no" or 0 is a mistake, not False
    increment: Annotated[Rate, Field(gt=0, le=1)]
    cap: Annotated[Rate, Field(gt=0, le=1)]
    delay_years: int = Field(ge=1, le=100, strict=True)
    date: MonthDay
    opt_out_rate: Probability


# --- money (rules, "Money") -------------------------------------------------------------------

IRS_LIMIT_KEYS = (
    "deferral_402g",
    "catch_up",
    "catch_up_60_63",
    "compensation_401a17",
    "annual_additions_415c",
    "hce_threshold",
)
PositiveDollars = Annotated[Dollars, Field(ge=1)]


class LimitIncrements(_Model):
    """The IRS rounding increment of each limit, used when projecting (whole dollars)."""

    deferral_402g: PositiveDollars
    catch_up: PositiveDollars
    catch_up_60_63: PositiveDollars
    compensation_401a17: PositiveDollars
    annual_additions_415c: PositiveDollars
    hce_threshold: PositiveDollars


class PublishedLimits(_Model):
    """One year's published IRS limits (whole dollars)."""

    year: int = Field(ge=1901, le=9999, strict=True)
    deferral_402g: Dollars
    catch_up: Dollars
    catch_up_60_63: Dollars
    compensation_401a17: Dollars
    annual_additions_415c: Dollars
    hce_threshold: Dollars

    _additions_cover_deferrals = _ordered(
        "deferral_402g",
        "annual_additions_415c",
        "{high} ({high_value}) is below {low} ({low_value})",
    )


class Limits(_Model):
    index_rate: Annotated[Rate, Field(ge=0, le=1)]
    catch_up_age: Years
    catch_up_60_63_min_age: Years
    catch_up_60_63_max_age: Years
    increments: LimitIncrements
    published: list[PublishedLimits] = Field(min_length=1)

    @field_validator("published")
    @classmethod
    def _consecutive(cls, rows: list[PublishedLimits]) -> list[PublishedLimits]:
        years = [row.year for row in rows]
        if years != list(range(years[0], years[0] + len(years))):
            raise ValueError(f"years must be consecutive and increasing, got {years}")
        return rows

    _ages = _ordered("catch_up_60_63_min_age", "catch_up_60_63_max_age")


class MatchTier(_Model):
    up_to: Annotated[Rate, Field(gt=0, le=1)]
    rate: Annotated[Rate, Field(ge=0, le=10)]


class Match(_Model):
    tiers: list[MatchTier]
    true_up: StrictBool

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: list[MatchTier]) -> list[MatchTier]:
        bounds = [tier.up_to for tier in tiers]
        if any(later <= earlier for earlier, later in itertools.pairwise(bounds)):
            raise ValueError("up_to must increase strictly from one tier to the next")
        return tiers


class NonElective(_Model):
    rate: Probability


class GradedStep(_Model):
    years: int = Field(ge=1, le=100, strict=True)
    percent: Probability


class Vesting(_Model):
    schedule: Literal["immediate", "cliff", "graded"]
    cliff_years: Years
    graded: list[GradedStep]

    @field_validator("graded")
    @classmethod
    def _steps(cls, steps: list[GradedStep]) -> list[GradedStep]:
        pairs = list(itertools.pairwise(steps))
        if any(b.years <= a.years for a, b in pairs):
            raise ValueError("years must increase strictly from one entry to the next")
        if any(b.percent < a.percent for a, b in pairs):
            raise ValueError("percent must not decrease from one entry to the next")
        return steps


class Investment(_Model):
    return_rate: SignedRate


class Config(_Model):
    """The validated assumptions of one run (see ``defaults.toml`` for each key's meaning)."""

    plan_design_id: Identifier
    growth_rate: Annotated[Rate, Field(ge=-1, le=10)]
    levels: list[Level] = Field(min_length=1)
    census: CensusSettings
    hiring: Hiring
    terminations: Terminations
    compensation: Compensation
    eligibility: Eligibility
    enrollment: Enrollment
    escalation: Escalation
    limits: Limits
    match: Match
    non_elective: NonElective
    vesting: Vesting
    investment: Investment

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        problems: list[str] = []
        numbers = [lv.level for lv in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"levels: levels must be numbered 1..L in order, got {numbers}")
        for name in ("hire_weight", "census_weight"):
            total = sum((getattr(lv, name) for lv in self.levels), Decimal(0))
            if total != 1:
                problems.append(f"levels[*].{name}: must sum to exactly 1 (they sum to {total})")
        for i, lv in enumerate(self.levels, start=1):
            if lv.census_age_min < self.census.min_hire_age:
                problems.append(
                    f"levels[{i}].census_age_min: {lv.census_age_min} is below "
                    f"census.min_hire_age ({self.census.min_hire_age})"
                )
        limit = self.enrollment.max_deferral_rate
        rates = [("enrollment.auto.default_rate", self.enrollment.auto.default_rate)]
        rates += [("escalation.cap", self.escalation.cap)]
        rates += [
            (f"enrollment.voluntary.deferral_rates[{i}].rate", c.rate)
            for i, c in enumerate(self.enrollment.voluntary.deferral_rates, start=1)
        ]
        problems += [
            f"{key}: {rate} exceeds enrollment.max_deferral_rate ({limit})"
            for key, rate in rates
            if rate > limit
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def level(self, number: int) -> Level:
        """The entry of job level ``number`` (1-based)."""
        return self.levels[number - 1]

    @property
    def max_level(self) -> int:
        return len(self.levels)
