"""How values read to people: runtime as H:MM, frequency in MHz, channel ID and name."""

from __future__ import annotations

import re

from micboard.integrations.base import AUDIO_DBFS_OFFSET, RF_DBM_OFFSET

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


def format_age(seconds: float | None) -> str:
    """How long ago, as the wall says it: ``12 s ago``, ``4 min ago``, ``3 h ago``, ``2 d ago``."""
    if seconds is None:
        return "never"
    whole = max(0, round(seconds))
    if whole < 120:
        return f"{whole} s ago"
    if whole < 7200:
        return f"{round(whole / 60)} min ago"
    if whole < 172800:
        return f"{round(whole / 3600)} h ago"
    return f"{round(whole / 86400)} d ago"


def format_rf(level: int | None) -> str:
    """An RF level on micboard's scale (``Channel.rf_level``) in dBm: ``-62 dBm``."""
    return "—" if level is None else f"{level - RF_DBM_OFFSET} dBm"


def format_audio(level: int | None) -> str:
    """An audio level on micboard's scale (``Channel.audio_level``) in dBFS: ``-26 dBFS``."""
    return "—" if level is None else f"{level - AUDIO_DBFS_OFFSET} dBFS"


def format_gain(gain_db: int | None) -> str:
    """A gain in dB with its sign: ``+6 dB``, ``0 dB``, ``-18 dB``."""
    return "—" if gain_db is None else f"{gain_db:+d} dB".replace("+0 ", "0 ")
