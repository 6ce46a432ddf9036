"""Loading the configuration: the packaged defaults, a user's TOML deep-merged over them, one
validation naming every problem by key path; and the canonical JSON and hash of the result."""

from __future__ import annotations

import codecs
import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planalign_core.config.models import Config
from planalign_core.errors import ConfigError

DEFAULTS_RESOURCE = "defaults.toml"


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
    """A user's TOML file, or a :class:`ConfigError` naming the file and the problem. A UTF-8
    byte-order mark at its start (some Windows editors write one) is skipped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML configuration file") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied)") from None
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return tomllib.loads(data[skipped:].decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start + skipped}); save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or tables
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None


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
