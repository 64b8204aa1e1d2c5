"""One SSC poll over real UDP sockets against the simulator, with the network's faults."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from micboard.exceptions import DeviceTimeoutError, DeviceUnreachableError
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.sennheiser.client import RETRIES_PER_TIMEOUT, SscPoll, read_receiver
from micboard.integrations.sennheiser.families import EW_DX, family_of
from tests.integrations.sennheiser.conftest import StartReceiver
from tests.waiting import wait_for

MODELS = ("SLRDW", "SL-MCR-4-DW", "EM6000", "EW-DX-EM-4-DANTE")


def poll(model: str, port: int, timeout: float = 2.0) -> ReceiverSnapshot:
    family, channels = family_of(model)
    address = DeviceAddress("127.0.0.1", port, timeout)
    return read_receiver(address, family=family, channels=channels)


@pytest.mark.parametrize("model", MODELS)
def test_every_family_reads_whole(model: str, start_receiver: StartReceiver) -> None:
    receiver = start_receiver(model)
    receiver.channels[0].battery_percent = 35
    snapshot = poll(model, receiver.port)
    assert snapshot.device_id == "1454100930"
    assert snapshot.firmware == "2.1.0"
    assert len(snapshot.channels) == len(receiver.channels)
    first = snapshot.channels[0]
    assert first.battery_bars == 2 if model != "EM6000" else first.battery_bars == 4
    assert first.muted is False
    assert snapshot.diagnostics.skipped_messages == 0


def test_a_switched_off_transmitter_reads_as_no_battery(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("EW-DX-EM-2")
    receiver.channels[1].transmitter_on = False
    second = poll("EW-DX-EM-2", receiver.port).channels[1]
    assert second.battery_bars is None
    assert second.battery_percent is None
    assert second.tx_type == ""


def test_meters_come_on_the_shared_scales(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("EM6000")
    receiver.channels[0].rf_dbm = -70
    receiver.channels[0].audio_dbfs = -20
    first = poll("EM6000", receiver.port).channels[0]
    assert first.rf_level == 58
    assert first.audio_level == 30


def test_lost_answers_are_asked_again(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("SL-MCR-4-DW")
    receiver.faults.lose_every = 2  # half of every round lost: about five rounds
    snapshot = poll("SL-MCR-4-DW", receiver.port, timeout=5.0)
    assert snapshot.diagnostics.resent_requests > 0
    assert [c.name for c in snapshot.channels] == [f"SLMCRDW-{n}" for n in range(1, 5)]


@pytest.mark.parametrize("fault", ["silent", "garbage", "truncated"])
def test_no_usable_answer_times_out_within_the_deadline(
    fault: str, start_receiver: StartReceiver
) -> None:
    receiver = start_receiver("EW-DX-EM-2")
    setattr(receiver.faults, fault, True)
    started = time.monotonic()
    with pytest.raises(DeviceTimeoutError, match=r"unanswered within 0\.5 s"):
        poll("EW-DX-EM-2", receiver.port, timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_garbage_is_counted_when_the_poll_still_completes(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("SLRDW")
    receiver.faults.garbage = True

    def heal() -> None:
        wait_for(lambda: receiver.requests >= 3, timeout=2, interval=0.01, what="garbage sent")
        receiver.faults.garbage = False

    threading.Thread(target=heal).start()
    snapshot = poll("SLRDW", receiver.port)
    assert snapshot.diagnostics.skipped_messages > 0
    assert "not UTF-8" in snapshot.diagnostics.last_skipped


def test_slow_answers_within_the_deadline_are_taken(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("SLRDW")
    receiver.faults.latency = 0.3
    assert poll("SLRDW", receiver.port).device_id == "1454100930"


def test_datagrams_from_other_hosts_are_ignored() -> None:
    family, channels = EW_DX, 2
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as device:
        device.bind(("127.0.0.1", 0))
        port = device.getsockname()[1]

        def impostor() -> None:
            _, client = device.recvfrom(8192)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
                other.bind(("127.0.0.2", 0))
                other.sendto(b'{"device":{"identity":{"serial":"forged"}}}', client)

        threading.Thread(target=impostor, daemon=True).start()
        with pytest.raises(DeviceTimeoutError):
            read_receiver(DeviceAddress("127.0.0.1", port, 0.4), family=family, channels=channels)


def test_a_host_that_does_not_resolve_is_unreachable() -> None:
    with pytest.raises(DeviceUnreachableError, match=r"cannot reach no-such-host\.invalid:45"):
        read_receiver(DeviceAddress("no-such-host.invalid", 45, 0.5), family=EW_DX, channels=2)


def test_a_datagram_that_cannot_be_sent_is_unreachable() -> None:
    with pytest.raises(DeviceUnreachableError, match=r"cannot send to 127\.0\.0\.1:0"):
        read_receiver(DeviceAddress("127.0.0.1", 0, 0.5), family=EW_DX, channels=2)


def test_lost_answers_are_resent_a_bounded_number_of_times_within_the_timeout(
    start_receiver: StartReceiver,
) -> None:
    receiver = start_receiver("SL-MCR-4-DW")
    receiver.faults.lose_every = 3  # a third of the answers lost, round after round
    questions = len(SscPoll(receiver.family, 4).questions)
    started = time.monotonic()
    snapshot = poll("SL-MCR-4-DW", receiver.port, timeout=3.0)
    assert time.monotonic() - started < 3.0
    assert 0 < snapshot.diagnostics.resent_requests < questions
    assert [c.name for c in snapshot.channels] == [f"SLMCRDW-{n}" for n in range(1, 5)]


def test_a_silent_receiver_is_asked_again_only_a_bounded_number_of_times(
    start_receiver: StartReceiver,
) -> None:
    receiver = start_receiver("EW-DX-EM-2")
    receiver.faults.silent = True
    questions = len(SscPoll(receiver.family, 2).questions)
    with pytest.raises(DeviceTimeoutError):
        poll("EW-DX-EM-2", receiver.port, timeout=0.5)
    rounds = RETRIES_PER_TIMEOUT + 1  # 0.5 s at one round per 0.1 s, and the first
    assert questions < receiver.requests <= questions * rounds


def test_an_unsupported_address_is_counted_and_the_other_values_kept(
    start_receiver: StartReceiver,
) -> None:
    receiver = start_receiver("SL-MCR-4-DW")
    receiver.faults.refuse = frozenset({("rx2", "name"), ("device", "identity", "serial")})
    snapshot = poll("SL-MCR-4-DW", receiver.port)
    assert snapshot.device_id == ""
    assert [c.name for c in snapshot.channels] == ["SLMCRDW-1", "", "SLMCRDW-3", "SLMCRDW-4"]
    assert snapshot.channels[1].battery_bars == 4
    assert snapshot.diagnostics.skipped_messages == 2
    assert snapshot.diagnostics.last_skipped == (
        "refused: /device/identity/serial error 404 (not found), /rx2/name error 404 (not found)"
    )


def test_a_transmitter_that_is_not_present_is_no_diagnostic(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("EW-DX-EM-2")
    receiver.channels[0].transmitter_on = False
    snapshot = poll("EW-DX-EM-2", receiver.port)
    assert snapshot.channels[0].muted is None
    assert snapshot.diagnostics.skipped_messages == 0


def test_the_end_of_a_subscription_answers_no_question() -> None:
    poll = SscPoll(EW_DX, 2)
    poll.take(b'{"osc":{"error":[{"mates":{"tx1":{"mute":[310]}}}]}}')
    assert ("mates", "tx1", "mute") in poll.missing()
    poll.take(b'{"osc":{"error":[{"mates":{"tx1":{"mute":[424]}}}]}}')
    assert ("mates", "tx1", "mute") not in poll.missing()
    assert poll.unsupported() == {}
