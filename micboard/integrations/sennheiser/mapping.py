"""SSC values to the vendor-neutral snapshot: percent to bars, raw meters to the shared scales."""

from __future__ import annotations

import math
import re

from micboard.integrations.base import (
    AUDIO_DBFS_OFFSET,
    AUDIO_PEAK_LEVEL,
    MAX_AUDIO_LEVEL,
    MAX_RF_LEVEL,
    RF_DBM_OFFSET,
    ChannelSnapshot,
)
from micboard.integrations.sennheiser.codec import Value
from micboard.integrations.sennheiser.families import Family, Reading

PERCENT_PER_BAR = 20
"""A gauge in percent as the 0-5 bars the derived state reads: 1-20 % is one bar, 81-100 %
five, so GOOD from 61 %, REPLACE 41-60 %, CRITICAL at 40 % and below."""
_RUNTIME = re.compile(r"^(\d+):([0-5]\d)$")


def percent_to_bars(percent: int) -> int:
    return max(0, min(5, math.ceil(percent / PERCENT_PER_BAR)))


def rf_level_from_raw(raw: int) -> int:
    """EM 6000 ``/mm`` RF value: dBm = (value - 255) / 2 (TI 1109 section 8.100)."""
    dbm = (raw - 255) / 2
    return max(0, min(MAX_RF_LEVEL, round(dbm) + RF_DBM_OFFSET))


def audio_level_from_raw(raw: int) -> int:
    """EM 6000 ``/mm`` AF value: dBFS = (value + 1) / 2 - 128 (TI 1109 section 8.100)."""
    dbfs = (raw + 1) / 2 - 128
    return max(0, min(MAX_AUDIO_LEVEL, round(dbfs) + AUDIO_DBFS_OFFSET))


def lqi_to_percent(raw: int) -> int:
    """EM 6000 ``/mm`` LQI: "255 means best, 0 worst" (TI 1109 section 8.100), as percent."""
    return max(0, min(100, round(raw * 100 / 255)))


def channel_snapshot(
    family: Family, number: int, values: dict[Reading, Value], meter: list[Value] | None
) -> ChannelSnapshot:
    """One channel from its answered addresses (``None`` where refused) and its ``/mm`` row."""
    percent = _int(values.get(Reading.BATTERY_PERCENT))
    runtime = _minutes_from_seconds(values.get(Reading.BATTERY_LIFETIME_S))
    state_time = values.get(Reading.BATTERY_STATE_TIME)
    if isinstance(state_time, list) and len(state_time) == 2:
        percent, runtime = _state_time(state_time[0], state_time[1])
    bars = None if percent is None else percent_to_bars(percent)
    if bars is None and (shown := _int(values.get(Reading.BATTERY_BARS))) is not None:
        bars = max(0, min(5, shown))  # the bars the receiver shows (SL Rack 8.59)
    warnings = _warnings(values.get(Reading.WARNINGS))
    rf = audio = None
    rf_levels: tuple[int, ...] = ()
    antenna = ""
    quality = _percent(values.get(Reading.RF_QUALITY_PERCENT))
    peak = any(w.lower().replace(" ", "") == "afpeak" for w in warnings)
    raw = [v for v in meter or [] if isinstance(v, int) and not isinstance(v, bool)]
    if meter is not None and len(meter) >= 9 and len(raw) == len(meter):
        rf_levels = (rf_level_from_raw(raw[0]), rf_level_from_raw(raw[2]))
        rf = max(rf_levels)
        antenna = ("A" if raw[4] == 1 else "X") + ("B" if raw[5] == 1 else "X")
        quality = lqi_to_percent(raw[6])
        audio = audio_level_from_raw(raw[7])
        peak = peak or raw[8] == 1 or audio >= AUDIO_PEAK_LEVEL
    return ChannelSnapshot(
        number=number,
        name=_text(values.get(Reading.NAME)),
        battery_bars=bars,
        runtime_minutes=runtime,
        tx_type=_tx_type(family, values.get(Reading.TX_TYPE)),
        rf_level=rf,
        rf_levels=rf_levels,
        rf_quality=quality,
        audio_level=audio,
        antenna=antenna,
        audio_peak=peak,
        battery_percent=percent,
        muted=mute if isinstance(mute := values.get(Reading.MUTE), bool) else None,
        warnings=tuple(warnings),
    )


def _percent(value: Value) -> int | None:
    number = _int(value)
    return None if number is None else max(0, min(100, number))


def _int(value: Value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _text(value: Value) -> str:
    return value if isinstance(value, str) else ""


def _minutes_from_seconds(value: Value) -> int | None:
    seconds = _int(value)
    return None if seconds is None or seconds < 0 else seconds // 60


def _state_time(state: Value, time: Value) -> tuple[int | None, int | None]:
    """``"70%"``/``"low"`` and ``"5:12"``/``"-:--"`` (TI 1109 section 8.27)."""
    percent: int | None = None
    if isinstance(state, str) and state.endswith("%") and state[:-1].isdigit():
        percent = int(state[:-1])
    elif state == "low":
        percent = 1
    runtime = None
    match = _RUNTIME.match(time) if isinstance(time, str) else None
    if match:
        runtime = int(match[1]) * 60 + int(match[2])
    return percent, runtime


def _warnings(value: Value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [w for w in value if isinstance(w, str) and w]
    return []


def _tx_type(family: Family, value: Value) -> str:
    index = _int(value)
    if index is not None and 0 <= index < len(family.tx_types):
        return family.tx_types[index]
    return _text(value)
