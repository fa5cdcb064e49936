"""Three tiny helpers to read settings from the environment."""

import os
import re
from pathlib import Path
from typing import overload

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting read from the environment is malformed."""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {value!r}") from None


@overload
def env_secret(name: str, default: str) -> str: ...
@overload
def env_secret(name: str, default: None = None) -> str | None: ...
def env_secret(name: str, default: str | None = None) -> str | None:
    """Read ``NAME``, or the content of the file named by ``NAME_FILE`` (Docker secrets)."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE points to {path!r}, which cannot be read: {exc.strerror}") from None
    return default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` -> (120, 60), ``"10/15min"`` -> (10, 900): events allowed per window length in
    seconds. ``ValueError`` for anything else."""
    match = RATE.match(rate.lower())
    if not match or match[3] not in PERIODS or match[2] == "0":
        raise ValueError(rate)
    return int(match[1]), int(match[2] or 1) * PERIODS[match[3]]


def env_rate(name: str, default: str) -> str:
    """A rate such as ``120/min`` or ``10/15min`` (units: s, min, hour, day)."""
    value = env_secret(name, default)
    try:
        parse_rate(value)
    except ValueError:
        raise ConfigError(
            f"{name} must be a number of events per period, e.g. 120/min or 10/15min; got {value!r}"
        ) from None
    return value
