"""The client against the real simulator on loopback sockets."""

from __future__ import annotations

import threading
import time

import pytest

from micboard.exceptions import (
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
    ValidationError,
)
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client import ReplyCollector, read_receiver
from micboard.integrations.shure.codec import Message, Verb
from micboard.integrations.shure.families.ulxd import UlxdFamily
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import GarbageMode, SimulatedReceiver
from micboard.integrations.shure.specs import ReceiverSpec, battery_bars_for
from tests.conftest import StartFleet
from tests.integrations.shure.conftest import MODELS
from tests.waiting import wait_for

ULXD = UlxdFamily()
SHORT = 0.5
MARGIN = 0.5


def poll(receiver: SimulatedReceiver, timeout: float = 2.0) -> ReceiverSnapshot:
    return read_receiver(
        receiver.address(timeout), family=receiver.family, channels=receiver.channel_count
    )


def expected_snapshot(spec: ReceiverSpec) -> list[tuple[str, int, str, int | None]]:
    """What the spec promises; a transmitter switched off reports no type and no runtime."""
    return [
        (
            channel.name,
            channel.frequency_khz,
            channel.transmitter if channel.runtime_minutes is not None else "",
            channel.runtime_minutes,
        )
        for channel in spec.channels
    ]


def summary(snapshot: ReceiverSnapshot) -> list[tuple[str, int | None, str, int | None]]:
    return [
        (channel.name, channel.frequency_khz, channel.tx_type, channel.runtime_minutes)
        for channel in snapshot.channels
    ]


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_reads_every_channel_of_each_model(fleet: Fleet, index: int) -> None:
    receiver = fleet.receiver(index)

    snapshot = poll(receiver)

    assert snapshot.model == receiver.model
    assert snapshot.firmware == receiver.spec.firmware
    assert snapshot.device_id == receiver.spec.device_id
    assert [channel.number for channel in snapshot.channels] == list(
        range(1, receiver.channel_count + 1)
    )
    assert summary(snapshot) == expected_snapshot(receiver.spec)
    for channel in snapshot.channels:
        runtime = channel.runtime_minutes
        assert channel.battery_bars == (None if runtime is None else battery_bars_for(runtime))
        assert channel.rf_level is not None  # the meters of the last channel arrived too


def test_sends_only_get_all_and_hangs_up(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)

    poll(receiver)

    assert tuple(receiver.recent_commands) == tuple(
        UlxdFamily().request(receiver.channel_count)
    )  # metering is never switched on
    wait_for(lambda: receiver.connection_count == 0, timeout=2, what="the client to hang up")


def test_refused_connection_is_unreachable(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.online = False

    with pytest.raises(DeviceUnreachableError, match=f"127.0.0.1:{receiver.port} refused"):
        poll(receiver)


def test_comes_back_on_the_same_port(fleet: Fleet) -> None:
    receiver = fleet.receiver(1)
    port = receiver.port
    receiver.online = False
    with pytest.raises(DeviceUnreachableError):
        poll(receiver)

    receiver.online = True

    assert receiver.port == port
    assert poll(receiver).model == "ULXD4D"


def test_silent_device_times_out_within_the_deadline(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    receiver.silent = True
    started = time.monotonic()

    with pytest.raises(DeviceTimeoutError) as caught:
        poll(receiver, timeout=SHORT)

    assert time.monotonic() - started < SHORT + MARGIN
    assert caught.value.message == (
        f"no complete reply from 127.0.0.1:{receiver.port} within {SHORT} s "
        "(got 0 of 4 channels, no MODEL)"
    )
    assert caught.value.details == {"host": "127.0.0.1", "port": receiver.port}


def test_latency_below_the_timeout_is_fine(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.latency = 0.2

    assert poll(receiver, timeout=2.0).model == "ULXD4"


def test_latency_above_the_timeout_times_out(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.latency = 2.0
    started = time.monotonic()

    with pytest.raises(DeviceTimeoutError, match=r"within 0\.5 s"):
        poll(receiver, timeout=SHORT)

    assert time.monotonic() - started < SHORT + MARGIN


def test_connection_closed_mid_reply_is_a_protocol_error(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    receiver.close_mid_reply = True

    with pytest.raises(ProtocolError, match="closed by the device before a complete reply"):
        poll(receiver)


def test_garbage_only_is_a_protocol_error(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    receiver.garbage = GarbageMode.ONLY
    started = time.monotonic()

    with pytest.raises(ProtocolError, match="answered only garbage") as caught:
        poll(receiver, timeout=SHORT)

    assert time.monotonic() - started < SHORT + MARGIN
    assert "malformed frames" in caught.value.message


def test_garbage_around_valid_replies_still_parses(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    clean = poll(receiver)
    receiver.garbage = GarbageMode.AROUND

    assert poll(receiver) == clean


def test_reply_dribbled_in_small_segments_is_reassembled(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    clean = poll(receiver)
    receiver.split_segments = True

    assert poll(receiver, timeout=5.0) == clean


def test_rep_err_is_a_protocol_error(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.reply_errors = True

    with pytest.raises(ProtocolError, match=r"answered < REP ERR > to < GET 0 ALL > < GET MODEL >"):
        poll(receiver)


def test_asking_more_channels_than_the_model_has_fails_fast(fleet: Fleet) -> None:
    receiver = fleet.receiver(3)  # QLXD4, one channel
    started = time.monotonic()

    with pytest.raises(ProtocolError, match="is a QLXD4 with 1 channel"):
        read_receiver(receiver.address(SHORT), family=ULXD, channels=2)

    assert time.monotonic() - started < SHORT


def test_values_pushed_during_the_poll_are_taken(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.latency = 0.3
    result: list[ReceiverSnapshot] = []
    poller = threading.Thread(target=lambda: result.append(poll(receiver)))
    poller.start()
    wait_for(lambda: receiver.recent_commands, timeout=2, what="the poll to reach the device")

    receiver.set_channel_name(1, "HH99 Guest")
    poller.join(timeout=5)

    assert result[0].channels[0].name == "HH99 Guest"


def test_no_listener_on_the_port_is_unreachable(start_fleet: StartFleet) -> None:
    receiver = start_fleet("ULXD4").receiver(0)
    receiver.online = False

    with pytest.raises(DeviceUnreachableError):
        read_receiver(DeviceAddress("127.0.0.1", receiver.port, SHORT), family=ULXD, channels=1)


def test_a_receiver_has_at_least_one_channel() -> None:
    with pytest.raises(ValidationError):
        read_receiver(DeviceAddress("127.0.0.1", 9, SHORT), family=ULXD, channels=0)


class TestReplyCollector:
    MODEL = Message(Verb.REP, None, "MODEL", ("{ULXD4}",))

    def collector_with_everything(self, *, ended: bool = True) -> ReplyCollector:
        """The reply to ``GET 0 ALL`` for a ULXD4, and the answer to ``GET MODEL``."""
        collector = ReplyCollector(ULXD, 1)
        collector.add(self.MODEL)
        collector.add(Message(Verb.REP, None, "FW_VER", ("{2.7.6.0}",)))
        collector.add(Message(Verb.REP, None, "DEVICE_ID", ("{RX-001  }",)))
        for param, value in [
            ("CHAN_NAME", "{HH01 Lead}"),
            ("FREQUENCY", "578350"),
            ("BATT_BARS", "004"),
            ("BATT_RUN_TIME", "00300"),
            ("TX_TYPE", "ULXD2"),
        ]:
            collector.add(Message(Verb.REP, 1, param, (value,)))
        if ended:
            collector.add(self.MODEL)
        return collector

    def test_is_complete_when_model_follows_every_required_channel_value(self) -> None:
        collector = ReplyCollector(ULXD, 1)
        collector.add(Message(Verb.REP, 1, "CHAN_NAME", ("{HH01}",)))
        assert collector.progress() == "got 0 of 1 channels, no MODEL"

        unfinished = self.collector_with_everything(ended=False)
        assert not unfinished.complete
        assert unfinished.progress() == "got 1 of 1 channels, not the reply's end"

        assert self.collector_with_everything().complete

    def test_newest_value_wins_and_samples_update_the_meters(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.REP, 1, "BATT_BARS", ("002",)))
        collector.add(Message(Verb.SAMPLE, 1, "ALL", ("XB", "090", "045")))
        collector.add(Message(Verb.SAMPLE, 1, "ALL", ("AX", "091", "020")))

        channel = collector.snapshot().channels[0]

        assert channel.battery_bars == 2
        assert (channel.antenna, channel.rf_level, channel.audio_level) == ("AX", 91, 20)

    def test_ignores_channels_and_parameters_it_does_not_need(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.REP, 7, "BATT_BARS", ("009",)))
        collector.add(Message(Verb.REP, 1, "GROUP_CHAN", ("{1,1}", "extra")))
        collector.add(Message(Verb.GET, 1, "ALL"))

        assert collector.snapshot().device_id == "RX-001"

    def test_a_malformed_sample_is_a_protocol_error(self) -> None:
        with pytest.raises(ProtocolError, match="malformed metering sample"):
            ReplyCollector(ULXD, 1).add(Message(Verb.SAMPLE, 1, "ALL", ("AX",)))

    def test_never_returns_a_partial_snapshot(self) -> None:
        with pytest.raises(ProtocolError, match="incomplete"):
            ReplyCollector(ULXD, 2).snapshot()
