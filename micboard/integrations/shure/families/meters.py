"""Meter conversions between family wire values and the shared RF and audio scales."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from micboard.integrations.base import (
    AUDIO_DBFS_OFFSET,
    AUDIO_PEAK_LEVEL,
    MAX_AUDIO_LEVEL,
    RF_DBM_OFFSET,
    ChannelSnapshot,
)
from micboard.integrations.shure.values import (
    audio_level_from_dbfs,
    in_range,
    parse_int,
    rf_level_from_dbm,
)

OFFSET_120 = 120
"""SLX-D and Axient Digital meters: dBm or dBFS = value - 120, three digits."""
LED_STEPS = 8


def rf_from_offset120(raw: str) -> int:
    """An RSSI (dBm + 120) on the shared RF scale; ``000``, the meter's floor, is no signal.

    The shared scale is dBm + 128, so -120 dBm would read 8: a channel with no signal
    would show RF. The floor of this meter maps to the floor of the shared scale instead.
    """
    value = in_range("RSSI", parse_int("RSSI", raw), 0, 255)
    return 0 if value == 0 else rf_level_from_dbm(value - OFFSET_120)


def offset120_from_rf(rf_level: int) -> str:
    return f"{max(0, rf_level - RF_DBM_OFFSET + OFFSET_120):03d}"


def audio_from_offset120(raw: str) -> int:
    level = in_range("AUDIO_LEVEL", parse_int("AUDIO_LEVEL", raw), 0, 255)
    return audio_level_from_dbfs(level - OFFSET_120)


def offset120_from_audio(audio_level: int) -> str:
    return f"{audio_level - AUDIO_DBFS_OFFSET + OFFSET_120:03d}"


def peak_from_offset120(raw: str) -> bool:
    return audio_from_offset120(raw) >= AUDIO_PEAK_LEVEL


def audio_from_leds(leds: int) -> int:
    """A meter of ``LED_STEPS`` lit LEDs on the shared audio scale."""
    return round(leds * MAX_AUDIO_LEVEL / LED_STEPS)


def leds_from_audio(audio_level: int) -> int:
    return round(audio_level * LED_STEPS / MAX_AUDIO_LEVEL)


def antenna_rf_levels(channel: ChannelSnapshot, antennas: int = 2) -> tuple[int, ...]:
    """RF per antenna: the snapshot's own levels, or else its one level on every lit
    antenna of ``channel.antenna`` and 0 (no signal) on the others."""
    if len(channel.rf_levels) == antennas:
        return channel.rf_levels
    lit = (channel.antenna or "").ljust(antennas, "X")
    return tuple((channel.rf_level or 0) if led != "X" else 0 for led in lit[:antennas])


def reported_antennas(
    raw: Mapping[str, str], keys: Iterable[str], parse: Callable[[str], int]
) -> tuple[int, ...]:
    """RF per antenna, in antenna order, from the first antenna's key on while each is
    reported: a gap ends the list, so no level is ever shown as another antenna's."""
    levels: list[int] = []
    for key in keys:
        if key not in raw:
            break
        levels.append(parse(raw[key]))
    return tuple(levels)
