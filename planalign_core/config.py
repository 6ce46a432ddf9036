"""Simulation assumptions: packaged defaults, a user's overrides, one validated model.

The numbers of ``docs/rules.md`` live once, in ``planalign_core/data/defaults.toml``. A user's TOML
file is deep-merged over them (tables key by key; arrays and values replace), then validated by
the models below (unknown keys are errors). Every problem is reported as a :class:`ConfigError`
naming its key path, e.g. ``levels[3].pay_min`` (array entries counted from 1).

Rates are exact decimals with at most 4 places; engines use them as integer basis units through
:func:`units`. TOML floats are read through their shortest text (``0.03`` is ``Decimal("0.03")``),
so no binary floating point reaches the rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from planalign_core.errors import ConfigError
from planalign_core.rng import RATE_SCALE

DEFAULTS_RESOURCE = "defaults.toml"


# --- value types ----------------------------------------------------------------------------


def _to_decimal(value: object) -> object:
    """Numbers and numeric text become exact decimals; floats go through their shortest text."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | str):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    return value


def _places(places: int) -> Any:
    def check(value: Decimal) -> Decimal:
        if not value.is_finite() or value != value.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"{value} has more than {places} decimal places")
        # One text per value (rules, "config hash"): 0.030, 0.03 and 3E-2 are all "0.03";
        # no exponent, no trailing zero, 0 never negative.
        return Decimal(format(value.normalize(), "f")) + 0

    return AfterValidator(check)


def _month_day(value: str) -> str:
    try:
        dt.date(2023, int(value[:2]), int(value[3:]))  # a non-leap year: "02-29" is refused
    except ValueError:
        raise ValueError(f"{value!r} is not a month-day MM-DD valid in every year") from None
    return value


Rate = Annotated[Decimal, BeforeValidator(_to_decimal), _places(4)]
Probability = Annotated[Rate, Field(ge=0, le=1)]
SignedRate = Annotated[Rate, Field(ge=-1, le=1)]
MonthDay = Annotated[str, Field(pattern=r"^\d{2}-\d{2}$"), AfterValidator(_month_day)]
Dollars = Annotated[int, Field(ge=0, strict=True)]
Years = Annotated[int, Field(ge=0, le=150, strict=True)]


def units(rate: Decimal) -> int:
    """A rate as integer basis units of 1/10000 (exact: rates carry at most 4 places)."""
    return int(rate * RATE_SCALE)


def month_day(value: str) -> tuple[int, int]:
    """``"MM-DD"`` as ``(month, day)``."""
    return int(value[:2]), int(value[3:])


# --- models ---------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_bands(bands: Sequence[Any], bound: str) -> None:
    bounds = [getattr(band, bound) for band in bands]
    if not bounds or bounds[0] != 0:
        raise ValueError(f"the first entry's {bound} must be 0")
    if any(later <= earlier for earlier, later in itertools.pairwise(bounds)):
        raise ValueError(f"{bound} must increase strictly from one entry to the next")


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

    @model_validator(mode="after")
    def _ranges(self) -> Level:
        if self.pay_min > self.pay_max:
            raise ValueError(f"pay_min ({self.pay_min}) exceeds pay_max ({self.pay_max})")
        if self.census_age_min > self.census_age_max:
            raise ValueError("census_age_min exceeds census_age_max")
        return self


class CensusSettings(_Model):
    initial_participation_rate: Probability
    min_hire_age: Years


class Hiring(_Model):
    age_min: int = Field(ge=16, le=100, strict=True)
    age_max: int = Field(ge=16, le=100, strict=True)

    @model_validator(mode="after")
    def _ordered(self) -> Hiring:
        if self.age_min > self.age_max:
            raise ValueError("age_min exceeds age_max")
        return self


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

    @model_validator(mode="after")
    def _order(self) -> Compensation:
        if month_day(self.promotion_date) > month_day(self.merit_date):
            raise ValueError("promotion_date must not fall after merit_date")
        return self


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
PositiveDollars = Annotated[int, Field(ge=1, strict=True)]


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

    @model_validator(mode="after")
    def _additions_cover_deferrals(self) -> PublishedLimits:
        if self.annual_additions_415c < self.deferral_402g:
            raise ValueError(
                f"annual_additions_415c ({self.annual_additions_415c}) is below "
                f"deferral_402g ({self.deferral_402g})"
            )
        return self


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

    @model_validator(mode="after")
    def _ages(self) -> Limits:
        if self.catch_up_60_63_min_age > self.catch_up_60_63_max_age:
            raise ValueError("catch_up_60_63_min_age exceeds catch_up_60_63_max_age")
        return self


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

    plan_design_id: str = Field(min_length=1)
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


# --- loading ------------------------------------------------------------------------------


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (arrays included) replaces the base value."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_data() -> dict[str, Any]:
    """The packaged defaults as plain TOML data."""
    text = files("planalign_core.data").joinpath(DEFAULTS_RESOURCE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _key_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _config_error(exc: ValidationError, source: str) -> ConfigError:
    lines = []
    for err in exc.errors():
        key = _key_path(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"  {key}: {message}" if key else f"  {message}")
    return ConfigError(f"invalid configuration ({source}):\n" + "\n".join(lines))


def read_toml(path: Path) -> dict[str, Any]:
    """A user's TOML file, or a :class:`ConfigError` naming the file and the problem."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML configuration file") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_config(
    path: Path | str | None = None, overrides: Mapping[str, Any] | None = None
) -> Config:
    """Defaults, deep-merged with the file at ``path`` and then ``overrides``, validated."""
    data = default_data()
    sources = ["packaged defaults"]
    if path is not None:
        data = deep_merge(data, read_toml(Path(path)))
        sources.append(str(path))
    if overrides:
        data = deep_merge(data, overrides)
        sources.append("overrides")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, " + ".join(sources)) from None


def config_json(config: Config) -> str:
    """The canonical JSON of the effective configuration (sorted keys, decimals as strings)."""
    return json.dumps(
        config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def config_hash(config: Config) -> str:
    """SHA-256 of the canonical JSON of the effective configuration (rules, "Configuration")."""
    return hashlib.sha256(config_json(config).encode("utf-8")).hexdigest()
