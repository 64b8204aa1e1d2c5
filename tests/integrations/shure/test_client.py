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
from micboard.integrations.shure.families import RequestForm
from micboard.integrations.shure.families.slxd import SlxdFamily
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
        "(got 0 of 4 channels, 60 request(s) sent again)"
    )  # three rounds of one GET per missing value, none answered
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


def test_a_device_that_closes_after_every_value_before_the_end_marker_is_read(
    fleet: Fleet,
) -> None:
    receiver = fleet.receiver(0)
    receiver.configure(close_before_last=True)  # the end marker's answer never comes
    started = time.monotonic()

    snapshot = poll(receiver, timeout=2.0)

    assert time.monotonic() - started < 1.0  # the close ends the poll, no quiet wait
    assert summary(snapshot) == expected_snapshot(receiver.spec)
    assert snapshot.diagnostics.resent_requests == 0


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

    damaged = poll(receiver)

    assert damaged.channels == clean.channels
    assert damaged.model == clean.model
    assert damaged.diagnostics.skipped_messages > 0  # each cut-off frame, counted
    assert damaged.diagnostics.last_skipped.startswith("frame cut short")


def test_reply_dribbled_in_small_segments_is_reassembled(fleet: Fleet) -> None:
    receiver = fleet.receiver(2)
    clean = poll(receiver)
    receiver.split_segments = True

    assert poll(receiver, timeout=5.0) == clean


def test_rep_err_is_a_protocol_error(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.reply_errors = True

    refused = r"answered < REP ERR > to every request \(< GET 1 ALL > < GET 1 TX_TYPE >"
    with pytest.raises(ProtocolError, match=refused):
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

    receiver.set_channel_name(1, "99 Guest")
    poller.join(timeout=5)

    assert result[0].channels[0].name == "99 Guest"


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
    VALUES = (
        ("CHAN_NAME", "{HH01 Lead}"),
        ("FREQUENCY", "578350"),
        ("BATT_BARS", "004"),
        ("BATT_RUN_TIME", "00300"),
        ("TX_TYPE", "ULXD2"),
    )

    def collector_with_everything(self, *, ended: bool = True) -> ReplyCollector:
        """The reply to ``GET 1 ALL`` for a ULXD4, and the answer to the end marker."""
        collector = ReplyCollector(ULXD, 1)
        collector.add(self.MODEL)
        collector.add(Message(Verb.REP, None, "FW_VER", ("{2.7.6.0}",)))
        collector.add(Message(Verb.REP, None, "DEVICE_ID", ("{RX-001  }",)))
        for param, value in self.VALUES:
            collector.add(Message(Verb.REP, 1, param, (value,)))
        if ended:
            collector.add(Message(Verb.REP, 1, "TX_TYPE", ("ULXD2",)))
        return collector

    def test_is_complete_when_the_end_marker_follows_every_channel_value(self) -> None:
        collector = ReplyCollector(ULXD, 1)
        collector.add(Message(Verb.REP, 1, "CHAN_NAME", ("{HH01}",)))
        assert collector.progress() == "got 0 of 1 channels"

        unfinished = self.collector_with_everything(ended=False)
        assert not unfinished.complete
        assert unfinished.progress() == "got 1 of 1 channels, not the reply's end"

        assert self.collector_with_everything().complete

    def test_needs_no_model(self) -> None:
        collector = ReplyCollector(ULXD, 1)
        for param, value in self.VALUES:
            collector.add(Message(Verb.REP, 1, param, (value,)))
        collector.add(Message(Verb.REP, 1, "TX_TYPE", ("ULXD2",)))

        snapshot = collector.snapshot()

        assert collector.complete
        assert (snapshot.model, snapshot.firmware, snapshot.device_id) == ("", "", "")

    def test_the_end_marker_alone_shows_get_all_was_ignored(self) -> None:
        collector = ReplyCollector(ULXD, 2)
        collector.add(Message(Verb.REP, 2, "TX_TYPE", ("ULXD2",)))

        assert collector.marker_answered
        assert not collector.answered_get_all
        assert collector.missing()[0] == Message(Verb.GET, 1, "CHAN_NAME")
        assert Message(Verb.GET, 2, "TX_TYPE") not in collector.missing()

    def test_the_per_parameter_form_asks_identity_then_every_value(self) -> None:
        request = ReplyCollector(ULXD, 2, RequestForm.PARAM).request()

        assert request[:3] == [Message(Verb.GET, None, p) for p in ("MODEL", "FW_VER", "DEVICE_ID")]
        assert request[3:5] == [Message(Verb.GET, n, "AUDIO_GAIN") for n in (1, 2)]
        assert request[5:] == [Message(Verb.GET, n, p) for n in (1, 2) for p in ULXD.channel_params]

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

    def test_a_sample_of_another_shape_is_skipped_and_counted(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.SAMPLE, 1, "ALL", ("AX",)))
        collector.add(Message(Verb.SAMPLE, 1, "PEAK", ("1",)))

        snapshot = collector.snapshot()

        assert snapshot.channels[0].name == "HH01 Lead"
        assert snapshot.diagnostics.skipped_messages == 2
        assert snapshot.diagnostics.last_skipped == "malformed metering sample < SAMPLE 1 PEAK 1 >"

    def test_a_malformed_optional_value_is_skipped_and_the_others_kept(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.REP, 1, "RX_RF_LVL", ("abc",)))
        collector.add(Message(Verb.REP, 1, "AUDIO_LVL", ("031",)))

        snapshot = collector.snapshot()

        assert snapshot.channels[0].rf_level is None
        assert snapshot.channels[0].audio_level == 31
        assert snapshot.channels[0].frequency_khz == 578350
        assert snapshot.diagnostics.skipped_messages == 1
        assert snapshot.diagnostics.last_skipped.startswith("channel 1 RX_RF_LVL 'abc': ")

    def test_with_several_malformed_optional_values_only_the_required_are_kept(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.REP, 1, "RX_RF_LVL", ("abc",)))
        collector.add(Message(Verb.REP, 1, "AUDIO_LVL", ("xyz",)))

        snapshot = collector.snapshot()

        assert (snapshot.channels[0].rf_level, snapshot.channels[0].audio_level) == (None, None)
        assert snapshot.channels[0].name == "HH01 Lead"
        assert "every optional value left out" in snapshot.diagnostics.last_skipped

    def test_a_malformed_required_value_fails_the_poll(self) -> None:
        collector = self.collector_with_everything()
        collector.add(Message(Verb.REP, 1, "FREQUENCY", ("57835",)))

        with pytest.raises(ProtocolError, match="FREQUENCY"):
            collector.snapshot()

    def test_an_unknown_model_is_an_error_naming_it(self) -> None:
        collector = ReplyCollector(ULXD, 1)

        with pytest.raises(ProtocolError, match=r"reports model 'ULXD9X', which is not a known"):
            collector.add(Message(Verb.REP, None, "MODEL", ("{ULXD9X  }",)))

    def test_a_model_of_another_family_is_an_error_naming_both(self) -> None:
        collector = ReplyCollector(ULXD, 1)

        with pytest.raises(ProtocolError, match=r"is a AD4D \(Axient Digital\), not a ULX-D"):
            collector.add(Message(Verb.REP, None, "MODEL", ("{AD4D}",)))

    def test_a_blank_model_is_no_model(self) -> None:
        collector = ReplyCollector(ULXD, 1)
        collector.add(Message(Verb.REP, None, "MODEL", ("{        }",)))

        assert "MODEL" not in collector.device

    def test_never_returns_a_partial_snapshot(self) -> None:
        with pytest.raises(ProtocolError, match="incomplete"):
            ReplyCollector(ULXD, 2).snapshot()


class PerAntennaMarkerFamily(SlxdFamily):
    """SLX-D with its end marker on a value reported once per antenna (``RSSI``)."""

    def end_marker(self, channels: int) -> Message:
        return Message(Verb.GET, channels, "RSSI")


def test_a_value_reported_per_antenna_counts_once_per_answer_not_once_per_antenna() -> None:
    collector = ReplyCollector(PerAntennaMarkerFamily(), 1, RequestForm.ALL)
    for param, value in (
        ("CHAN_NAME", "{Vocal 1" + " " * 23 + "}"),
        ("FREQUENCY", "0578350"),
        ("TX_MODEL", "SLXD2"),
        ("TX_BATT_BARS", "004"),
        ("TX_BATT_MINS", "00120"),
    ):
        collector.add(Message(Verb.REP, 1, param, (value,)))
    # The GET ALL answer's two antenna reports are one answer: the marker's is still due.
    collector.add(Message(Verb.REP, 1, "RSSI", ("1", "083")))
    collector.add(Message(Verb.REP, 1, "RSSI", ("2", "064")))
    assert collector.reports_of(Message(Verb.GET, 1, "RSSI")) == 1
    assert collector.values_complete
    assert not collector.complete
    collector.add(Message(Verb.REP, 1, "RSSI", ("1", "083")))
    assert collector.complete
