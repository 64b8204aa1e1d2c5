from datetime import UTC, datetime, timedelta

import pytest

from micboard.models import ChannelState
from micboard.services.channel_state import StateInputs, derive_state

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def inputs(**overrides: object) -> StateInputs:
    values: dict[str, object] = {
        "receiver_reachable": True,
        "battery_bars": None,
        "last_battery_bars": None,
        "battery_seen_at": None,
        "audio_peak_at": None,
    }
    values.update(overrides)
    return StateInputs(**values)  # type: ignore[arg-type]


def test_unreachable_receiver_wins_over_everything() -> None:
    state = derive_state(
        inputs(receiver_reachable=False, battery_bars=5, audio_peak_at=NOW), now=NOW
    )
    assert state is ChannelState.RX_COM_ERROR


def test_audio_peak_within_ten_seconds() -> None:
    recent = inputs(battery_bars=5, audio_peak_at=NOW - timedelta(seconds=10))
    old = inputs(battery_bars=5, audio_peak_at=NOW - timedelta(seconds=11))
    assert derive_state(recent, now=NOW) is ChannelState.AUDIO_PEAK
    assert derive_state(old, now=NOW) is ChannelState.GOOD


@pytest.mark.parametrize(
    ("bars", "expected"),
    [
        (5, ChannelState.GOOD),
        (4, ChannelState.GOOD),
        (3, ChannelState.REPLACE),
        (2, ChannelState.CRITICAL),
        (0, ChannelState.CRITICAL),
    ],
)
def test_battery_levels(bars: int, expected: ChannelState) -> None:
    assert derive_state(inputs(battery_bars=bars), now=NOW) is expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (5, ChannelState.PREV_GOOD),
        (3, ChannelState.PREV_REPLACE),
        (1, ChannelState.PREV_CRITICAL),
    ],
)
def test_transmitter_off_with_a_recent_level(last: int, expected: ChannelState) -> None:
    seen = NOW - timedelta(minutes=29)
    assert derive_state(inputs(last_battery_bars=last, battery_seen_at=seen), now=NOW) is expected


def test_transmitter_off_too_long_ago_is_tx_com_error() -> None:
    seen = NOW - timedelta(minutes=31)
    state = derive_state(inputs(last_battery_bars=5, battery_seen_at=seen), now=NOW)
    assert state is ChannelState.TX_COM_ERROR


def test_never_seen_transmitter_is_tx_com_error() -> None:
    assert derive_state(inputs(), now=NOW) is ChannelState.TX_COM_ERROR


@pytest.mark.parametrize(
    ("percent", "levels", "expected"),
    [
        (61, (61, 41), ChannelState.GOOD),
        (60, (61, 41), ChannelState.REPLACE),
        (41, (61, 41), ChannelState.REPLACE),
        (40, (61, 41), ChannelState.CRITICAL),
        (60, (50, 20), ChannelState.GOOD),
        (25, (50, 20), ChannelState.REPLACE),
    ],
)
def test_a_percent_gauge_decides_by_the_venues_levels(
    percent: int, levels: tuple[int, int], expected: ChannelState
) -> None:
    # The bars say GOOD; the percent and the venue's levels decide.
    state = derive_state(
        inputs(battery_bars=5, battery_percent=percent, percent_levels=levels), now=NOW
    )
    assert state is expected


@pytest.mark.parametrize(
    ("runtime", "expected"),
    [
        (240, ChannelState.GOOD),  # four hours left: 2 bars, but not red
        (60, ChannelState.GOOD),
        (59, ChannelState.REPLACE),
        (20, ChannelState.REPLACE),
        (19, ChannelState.CRITICAL),
        (0, ChannelState.CRITICAL),
    ],
)
def test_runtime_levels_decide_where_a_runtime_is_reported(
    runtime: int, expected: ChannelState
) -> None:
    judged = inputs(battery_bars=2, runtime_minutes=runtime, runtime_levels=(60, 20))
    assert derive_state(judged, now=NOW) is expected


def test_without_levels_or_without_a_runtime_the_bars_decide() -> None:
    by_bars = inputs(battery_bars=2, runtime_minutes=240)
    no_runtime = inputs(battery_bars=2, runtime_levels=(60, 20))
    assert derive_state(by_bars, now=NOW) is ChannelState.CRITICAL
    assert derive_state(no_runtime, now=NOW) is ChannelState.CRITICAL


def test_runtime_levels_win_over_a_percent_gauge() -> None:
    judged = inputs(
        battery_bars=1, battery_percent=20, runtime_minutes=120, runtime_levels=(60, 20)
    )
    assert derive_state(judged, now=NOW) is ChannelState.GOOD


def test_a_transmitter_switched_off_keeps_the_state_of_its_last_runtime() -> None:
    off = inputs(
        last_battery_bars=2,
        last_runtime_minutes=240,
        battery_seen_at=NOW - timedelta(minutes=5),
        runtime_levels=(60, 20),
    )
    assert derive_state(off, now=NOW) is ChannelState.PREV_GOOD
    by_bars = inputs(
        last_battery_bars=2, last_runtime_minutes=240, battery_seen_at=NOW - timedelta(minutes=5)
    )
    assert derive_state(by_bars, now=NOW) is ChannelState.PREV_CRITICAL
