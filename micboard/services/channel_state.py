"""The derived channel state, as Shure's micboard users know it (first match wins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from micboard.models import ChannelState, Venue

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
    battery_percent: int | None = None
    """Where the transmitter reports percent, it decides instead of the bars."""
    percent_levels: tuple[int, int] = (61, 41)
    """The venue's GOOD and REPLACE levels in percent (``Venue.battery_*_percent``)."""
    runtime_minutes: int | None = None
    """What the transmitter says is left, where it reports a runtime."""
    runtime_levels: tuple[int, int] | None = None
    """The venue's REPLACE and CRITICAL levels in minutes (``Venue.battery_*_minutes``);
    set, they decide wherever a runtime is reported. ``None``: bars (or percent) decide."""
    last_runtime_minutes: int | None = None
    """The runtime last seen with the bars of ``last_battery_bars``: a PREV_* state."""


def _percent_state(percent: int, levels: tuple[int, int]) -> ChannelState:
    good, replace = levels
    if percent >= good:
        return ChannelState.GOOD
    if percent >= replace:
        return ChannelState.REPLACE
    return ChannelState.CRITICAL


def _runtime_state(minutes: int, levels: tuple[int, int]) -> ChannelState:
    replace, critical = levels
    if minutes < critical:
        return ChannelState.CRITICAL
    if minutes < replace:
        return ChannelState.REPLACE
    return ChannelState.GOOD


def _current_battery_state(bars: int, inputs: StateInputs) -> ChannelState:
    if inputs.runtime_levels is not None and inputs.runtime_minutes is not None:
        return _runtime_state(inputs.runtime_minutes, inputs.runtime_levels)
    if inputs.battery_percent is not None:
        return _percent_state(inputs.battery_percent, inputs.percent_levels)
    return _battery_state(bars)


def _battery_state(bars: int) -> ChannelState:
    if bars >= 4:
        return ChannelState.GOOD
    if bars == 3:
        return ChannelState.REPLACE
    return ChannelState.CRITICAL


def _last_battery_state(bars: int, inputs: StateInputs) -> ChannelState:
    """The state of the level last seen, judged as the current one would be."""
    if inputs.runtime_levels is not None and inputs.last_runtime_minutes is not None:
        return _runtime_state(inputs.last_runtime_minutes, inputs.runtime_levels)
    return _battery_state(bars)


def venue_runtime_levels(venue: Venue) -> tuple[int, int] | None:
    """The venue's REPLACE and CRITICAL runtime levels, or None where bars decide."""
    replace, critical = venue.battery_replace_minutes, venue.battery_critical_minutes
    if replace is None or critical is None:
        return None
    return replace, critical


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
        return _current_battery_state(inputs.battery_bars, inputs)
    recently_seen = (
        inputs.battery_seen_at is not None and now - inputs.battery_seen_at <= PREV_LEVEL_WINDOW
    )
    if inputs.last_battery_bars is not None and recently_seen:
        return _PREVIOUS[_last_battery_state(inputs.last_battery_bars, inputs)]
    return ChannelState.TX_COM_ERROR
