"""SLX-D and ULX-D values in their documents' forms, through a real worker, to the database.

The simulator speaks each family as Shure's command strings print it (seven-digit SLX-D
``FREQUENCY``, ``TX_MODEL``, ``RSSI`` per antenna, ULX-D ``TX_OFFSET`` as dB + 12); the
rows must hold what the documents say those strings mean, each antenna's level included.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver
from tests.system.conftest import StartWorker, register_fleet
from tests.system.test_scenarios import all_online, channels_of, synced_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def test_a_four_channel_slxd4q_plus_lands_with_its_documented_values(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("SLXD4Q+")
    simulated = fleet.receiver(0)
    simulated.set_transmitter(2, on=False)
    venue, receivers = register_fleet(fleet)
    with venue_worker(venue):
        all_online(venue, receivers)
    receiver = Receiver.objects.get(pk=receivers[0].pk)
    channels = channels_of(receiver)

    assert (receiver.model, len(channels)) == ("SLXD4Q+", 4)
    for channel, spec in zip(channels, simulated.spec.channels, strict=True):
        wire = simulated.channel_values(channel.number)
        assert len(wire["FREQUENCY"]) == 7
        assert channel.frequency_khz == int(wire["FREQUENCY"]) == spec.frequency_khz
        assert wire["TX_MODEL"] in {"SLXD1", "SLXD2", "UNKNOWN"}
        assert channel.tx_type == ("" if wire["TX_MODEL"] == "UNKNOWN" else wire["TX_MODEL"])
        antennas = [int(wire["RSSI 1"]), int(wire["RSSI 2"])]
        # value - 120 = dBm, stored as dBm + 128; 000 is no signal, stored as 0
        assert channel.rf_levels == [value + 8 if value else 0 for value in antennas]
        assert channel.rf_level == max(channel.rf_levels)
        assert channel.audio_gain_db == int(wire["AUDIO_GAIN"]) - 18  # the value - 18 dB
        assert (wire["GROUP_CHANNEL"], channel.group_channel) == ("{--,--}", "")  # tuned directly
    off = channels[1]
    assert (off.tx_type, off.battery_bars, off.runtime_minutes, off.rf_level) == ("", None, None, 0)


def test_ulxd_transmitter_offset_is_stored_in_db(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4D")
    simulated = fleet.receiver(0)
    venue, receivers = register_fleet(fleet)
    with venue_worker(venue):
        all_online(venue, receivers)
        assert simulated.channel_values(1)["TX_OFFSET"] == "012"  # 0 dB, as the document writes it
        assert [c.tx_offset_db for c in channels_of(receivers[0])] == [0, 0]
        assert simulated.channel_values(1)["AUDIO_GAIN"] == "018"  # 0 dB: the value - 18
        assert [c.audio_gain_db for c in channels_of(receivers[0])] == [0, 0]
        simulated.set_transmitter(1, on=False)
        synced_until(
            venue,
            receivers,
            lambda: channels_of(receivers[0])[0].tx_offset_db is None,
            what="the switched-off transmitter's offset unknown (255)",
        )
