"""The derived channel state, as Shure's micboard users know it (first match wins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from micboard.models import ChannelState

AUDIO_PEAK_WINDOW = timedelta(seconds=10)
PREV_LEVEL_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class StateInputs:
    receiver_reachable: bool
    battery_bars: int | None
    last_battery_bars: int | None
    battery_seen_at: datetime | None
    audio_peak_at: datetime | None
    has_battery: bool = True


def _battery_state(bars: int) -> ChannelState:
    if bars >= 4:
        return ChannelState.GOOD
    if bars == 3:
        return ChannelState.REPLACE
    return ChannelState.CRITICAL


_PREVIOUS = {
    ChannelState.GOOD: ChannelState.PREV_GOOD,
    ChannelState.REPLACE: ChannelState.PREV_REPLACE,
    ChannelState.CRITICAL: ChannelState.PREV_CRITICAL,
}


def derive_state(inputs: StateInputs, *, now: datetime) -> ChannelState:
    if not inputs.receiver_reachable:
        return ChannelState.RX_COM_ERROR
    if inputs.audio_peak_at is not None and now - inputs.audio_peak_at <= AUDIO_PEAK_WINDOW:
        return ChannelState.AUDIO_PEAK
    if not inputs.has_battery:  # an in-ear transmitter (PSM1000) runs on mains power
        return ChannelState.GOOD
    if inputs.battery_bars is not None:
        return _battery_state(inputs.battery_bars)
    recently_seen = (
        inputs.battery_seen_at is not None and now - inputs.battery_seen_at <= PREV_LEVEL_WINDOW
    )
    if inputs.last_battery_bars is not None and recently_seen:
        return _PREVIOUS[_battery_state(inputs.last_battery_bars)]
    return ChannelState.TX_COM_ERROR
