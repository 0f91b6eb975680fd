"""Durations written the way people write them: ``90d``, ``12h``, ``30m``, ``2w``, ``45s``."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str, *, where: str | None = None) -> timedelta:
    """``"90d"`` -> 90 days. Raises ``ValueError`` (prefixed with ``where`` when given) for
    anything else or for zero."""
    prefix = f"{where}: " if where else ""
    if not isinstance(text, str):
        raise ValueError(f"{prefix}expected a duration such as '90d', got {type(text).__name__}")
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(
            f"{prefix}{text!r} is not a duration; write a number and a unit: "
            "s (seconds), m (minutes), h (hours), d (days) or w (weeks), e.g. '90d'"
        )
    value = float(match.group(1))
    if value <= 0:
        raise ValueError(f"{prefix}{text!r} must be longer than zero")
    return timedelta(**{_UNITS[match.group(2)]: value})


def format_duration(value: timedelta) -> str:
    """The shortest exact ``parse_duration`` form of ``value`` (``timedelta(days=30)`` -> ``30d``)."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
