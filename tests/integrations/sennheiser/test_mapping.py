"""SSC values on the shared scales: percent to bars, raw meters to levels, odd values unknown."""

from __future__ import annotations

import pytest

from micboard.integrations.sennheiser.families import DIGITAL_6000, EW_DX, SPEECHLINE_RACK, Reading
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
