"""A simulated channel answers in each family's documented form, transmitter on or off."""

from __future__ import annotations

import pytest

from micboard.integrations.sennheiser.families import DIGITAL_6000, EW_DX, SPEECHLINE_RACK, Reading
from micboard.integrations.sennheiser.simulator.channel import Refused, SimulatedChannel


@pytest.mark.parametrize(
    ("percent", "state"), [(100, "100%"), (71, "100%"), (70, "70%"), (30, "30%"), (10, "low")]
)
def test_the_em6000_reports_four_battery_steps(percent: int, state: str) -> None:
    channel = SimulatedChannel(1, battery_percent=percent, lifetime_s=3 * 3600 + 5 * 60)
    assert channel.value(DIGITAL_6000, Reading.BATTERY_STATE_TIME) == [state, "3:05"]


def test_without_a_transmitter_each_family_answers_as_its_guide_says() -> None:
    channel = SimulatedChannel(1, transmitter_on=False, muted=True)
    assert channel.value(DIGITAL_6000, Reading.BATTERY_STATE_TIME) == []
    assert channel.value(DIGITAL_6000, Reading.MUTE) is True
    assert channel.value(DIGITAL_6000, Reading.WARNINGS) == ["NoLink"]
    assert channel.value(EW_DX, Reading.BATTERY_PERCENT) == Refused(424)
    assert channel.meter() == [0] * 9


def test_a_numbered_transmitter_type_is_an_index() -> None:
    channel = SimulatedChannel(1, tx_type_index=1)
    assert channel.value(SPEECHLINE_RACK, Reading.TX_TYPE) == 1
    assert channel.value(EW_DX, Reading.TX_TYPE) == "SKM"


def test_a_loud_channel_meters_a_peak() -> None:
    assert SimulatedChannel(1, audio_dbfs=0).meter()[8] == 1
