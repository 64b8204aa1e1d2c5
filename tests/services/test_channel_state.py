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
