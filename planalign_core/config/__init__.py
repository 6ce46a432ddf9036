"""Simulation assumptions: packaged defaults, a user's overrides, one validated model.

The numbers of ``docs/rules.md`` live once, in ``planalign_core/data/defaults.toml``. A user's TOML
file is deep-merged over them (tables key by key; arrays and values replace), then validated by
the models below (unknown keys are errors). Every problem is reported as a :class:`ConfigError`
naming its key path, e.g. ``levels[3].pay_min`` (array entries counted from 1).

Rates are exact decimals with at most 4 places; engines use them as integer basis units through
:func:`units`. TOML floats are read through their shortest text (``0.03`` is ``Decimal("0.03")``),
so no binary floating point reaches the rules.

The package: ``values`` (exact value types), ``models`` (the sections and :class:`Config`),
``loading`` (defaults, overrides, validation, the canonical JSON and hash).
"""

from __future__ import annotations

from planalign_core.config.loading import (
    DEFAULTS_RESOURCE,
    config_hash,
    config_json,
    deep_merge,
    default_data,
    load_config,
    read_toml,
)
from planalign_core.config.models import IRS_LIMIT_KEYS, Config, Level
from planalign_core.config.values import (
    Dollars,
    MonthDay,
    Probability,
    Rate,
    SignedRate,
    Years,
    month_day,
    units,
)

__all__ = [
    "DEFAULTS_RESOURCE",
    "IRS_LIMIT_KEYS",
    "Config",
    "Dollars",
    "Level",
    "MonthDay",
    "Probability",
    "Rate",
    "SignedRate",
    "Years",
    "config_hash",
    "config_json",
    "deep_merge",
    "default_data",
    "load_config",
    "month_day",
    "read_toml",
    "units",
]
