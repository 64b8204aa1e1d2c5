"""SSC values on the shared scales: percent to bars, raw meters to levels, odd values unknown."""

from __future__ import annotations

import pytest

from micboard.integrations.sennheiser.codec import Value
from micboard.integrations.sennheiser.families import (
    DIGITAL_6000,
    EW_DX,
    SPEECHLINE_MCR,
    SPEECHLINE_RACK,
    Reading,
)
from micboard.integrations.sennheiser.mapping import channel_snapshot, percent_to_bars


@pytest.mark.parametrize(("percent", "bars"), [(0, 0), (1, 1), (20, 1), (21, 2), (100, 5)])
def test_percent_to_bars(percent: int, bars: int) -> None:
    assert percent_to_bars(percent) == bars


def test_odd_values_read_as_unknown() -> None:
    snapshot = channel_snapshot(
        EW_DX,
        1,
        {
            Reading.BATTERY_PERCENT: True,
            Reading.TX_TYPE: 7,
            Reading.WARNINGS: "Low Bat",
            Reading.MUTE: "yes",
        },
        [1, 2, 3],
    )
    assert snapshot.battery_percent is None
    assert snapshot.tx_type == ""
    assert snapshot.warnings == ("Low Bat",)
    assert snapshot.muted is None
    assert snapshot.rf_level is None


@pytest.mark.parametrize(
    ("battery", "percent", "runtime"),
    [(["100%", "9:59"], 100, 599), (["?", "5"], None, None), ([7, None], None, None)],
)
def test_em6000_battery_forms(
    battery: list[object], percent: int | None, runtime: int | None
) -> None:
    values = {Reading.BATTERY_STATE_TIME: battery}
    snapshot = channel_snapshot(DIGITAL_6000, 1, values, None)  # type: ignore[arg-type]
    assert (snapshot.battery_percent, snapshot.runtime_minutes) == (percent, runtime)


def test_a_negative_lifetime_is_unknown() -> None:
    values = {Reading.BATTERY_LIFETIME_S: -1, Reading.WARNINGS: None}
    assert channel_snapshot(SPEECHLINE_RACK, 1, values, None).runtime_minutes is None


@pytest.mark.parametrize(
    ("row", "levels", "antenna", "quality"),
    [
        ([255, 0, 0, 0, 1, 0, 255, 0, 0], (115, 0), "AX", 100),
        ([0, 0, 255, 1, 0, 1, 0, 0, 0], (0, 115), "XB", 0),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], (0, 0), "XX", 0),
    ],
)
def test_em6000_meters_per_antenna(
    row: list[Value], levels: tuple[int, int], antenna: str, quality: int
) -> None:
    """RF per antenna, which antennas are in use (DIV1/DIV2) and LQI 0-255 as percent."""
    snapshot = channel_snapshot(DIGITAL_6000, 1, {}, row)
    assert (snapshot.rf_levels, snapshot.antenna, snapshot.rf_quality) == (levels, antenna, quality)
    assert snapshot.rf_level == max(levels)


def test_a_meter_row_with_a_boolean_is_not_read() -> None:
    snapshot = channel_snapshot(DIGITAL_6000, 1, {}, [True, 0, 0, 0, 1, 1, 200, 100, 0])
    assert (snapshot.rf_levels, snapshot.rf_quality, snapshot.antenna) == ((), None, "")


@pytest.mark.parametrize(("value", "quality"), [(50, 50), (140, 100), (-3, 0), ("50", None)])
def test_speechline_rf_quality(value: object, quality: int | None) -> None:
    snapshot = channel_snapshot(SPEECHLINE_MCR, 1, {Reading.RF_QUALITY_PERCENT: value}, None)
    assert snapshot.rf_quality == quality


def test_the_bars_a_receiver_shows_are_kept_when_no_percent_is_reported() -> None:
    bars = channel_snapshot(SPEECHLINE_RACK, 1, {Reading.BATTERY_BARS: 7}, None)
    assert (bars.battery_bars, bars.battery_percent) == (5, None)
    both = {Reading.BATTERY_BARS: 1, Reading.BATTERY_PERCENT: 90}
    assert channel_snapshot(SPEECHLINE_RACK, 1, both, None).battery_bars == 5
    assert (
        channel_snapshot(SPEECHLINE_RACK, 1, {Reading.BATTERY_BARS: None}, None).battery_bars
        is None
    )
