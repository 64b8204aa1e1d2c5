"""How values read to people: runtime as H:MM, frequency in MHz, channel ID and name."""

from __future__ import annotations

import re

_CHANNEL_ID = re.compile(r"^[A-Za-z]*-?\d+$")


def format_runtime(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    return f"{minutes // 60}:{minutes % 60:02d}"


def format_frequency(khz: int | None) -> str:
    if not khz:
        return "—"
    return f"{khz / 1000:.3f}"


def split_channel_name(name: str) -> tuple[str, str]:
    """``"HH01 Lead"`` -> ``("HH01", "Lead")``; a name without an ID keeps it whole."""
    first, _, rest = name.strip().partition(" ")
    if first and rest and _CHANNEL_ID.match(first):
        return first, rest.strip()
    return "", name.strip()
