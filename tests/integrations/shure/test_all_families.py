"""Every family, driver against simulator on real loopback sockets (TCP, and UDP)."""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections.abc import Callable

import pytest

from micboard.exceptions import DeviceTimeoutError, DeviceUnreachableError, ProtocolError
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.registry import default_registry
from micboard.integrations.shure.codec import FrameDecoder, Message, Verb
from micboard.integrations.shure.families import MODELS
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import GarbageMode, SimulatedReceiver
from micboard.integrations.shure.specs import receiver_spec
from micboard.simulator import SHURE_FAMILIES_MODELS, specs_for_models
from tests.conftest import StartFleet
from tests.waiting import wait_for

ALL_MODELS = tuple(MODELS)
SHORT = 0.5


def poll(receiver: SimulatedReceiver, timeout: float = 2.0) -> ReceiverSnapshot:
    registry = default_registry()
    described = registry.describe(receiver.model)
    assert described is not None
    assert described.protocol == receiver.family.protocol
    return registry.get(described.protocol).poll(
        receiver.address(timeout), channels=receiver.channel_count
    )


@pytest.fixture
def every_model(start_fleet: StartFleet) -> Fleet:
    return start_fleet(*ALL_MODELS)


@pytest.mark.parametrize("index", range(len(ALL_MODELS)), ids=ALL_MODELS)
def test_each_model_reads_identity_and_every_channel(every_model: Fleet, index: int) -> None:
    receiver = every_model.receiver(index)
    family = receiver.family

    snapshot = poll(receiver)

    assert snapshot.model == receiver.model
    assert snapshot.firmware == receiver.spec.firmware
    assert snapshot.device_id == receiver.spec.device_id
    for channel, spec in zip(snapshot.channels, receiver.spec.channels, strict=True):
        on = spec.runtime_minutes is not None or not family.has_battery
        assert (channel.name, channel.frequency_khz) == (spec.name, spec.frequency_khz)
        assert channel.tx_type == (spec.transmitter if on else "")
        assert channel.has_battery is family.has_battery
        assert (channel.battery_bars is None) == (not on or not family.has_battery)
        if family.has_runtime:
            assert channel.runtime_minutes == spec.runtime_minutes


class Client:
    """A raw client speaking one family's dialect (datagrams for UHF-R)."""

    def __init__(self, receiver: SimulatedReceiver) -> None:
        self.dialect = receiver.family.dialect
        kind = socket.SOCK_DGRAM if receiver.family.transport.value == "udp" else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.settimeout(2)
        self.sock.connect((receiver.host, receiver.port))
        self.decoder = FrameDecoder(self.dialect.framing)
        self.received: list[Message] = []

    def send(self, *messages: Message) -> None:
        for message in messages:
            self.sock.send(self.dialect.encode(message))

    def wait_for(self, match: Callable[[Message], bool], timeout: float = 3.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.received:
                if match(message):
                    return message
            self.received += self.decoder.feed(self.sock.recv(4096))
        raise AssertionError(f"nothing matched; got {self.received}")

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("model", ["SLXD4D", "AD4D", "UR4D", "P10T"])
def test_changes_are_pushed_and_metering_streams(start_fleet: StartFleet, model: str) -> None:
    receiver = start_fleet(model).receiver(0)
    family = receiver.family
    client = Client(receiver)
    try:
        if family.transport.value == "udp":
            client.send(Message(Verb.METER, 1, "ALL", ("004",)))
        else:
            client.send(Message(Verb.SET, 1, "METER_RATE", ("00100",)))
        meters = {p.split(" ")[0] for p in family.meter_params}
        client.wait_for(lambda m: m.channel == 1 and (m.verb is Verb.SAMPLE or m.param in meters))

        receiver.set_channel_name(1, "HH42 New")

        pushed = client.wait_for(lambda m: m.param == "CHAN_NAME")
        assert "HH42 New" in " ".join(pushed.values)
    finally:
        client.close()


def test_psm1000_talks_report_with_crlf(start_fleet: StartFleet) -> None:
    receiver = start_fleet("P10T").receiver(0)
    with socket.create_connection((receiver.host, receiver.port), timeout=2) as sock:
        sock.sendall(b"< GET 1 CHAN_NAME >\r\n")
        reply = sock.recv(4096)

    assert reply == f"< REPORT 1 CHAN_NAME {receiver.spec.channels[0].name} >\r\n".encode()


@pytest.mark.parametrize("fault", ["loss", "duplicate", "reorder"])
def test_uhfr_reads_through_lossy_duplicating_reordering_datagrams(
    start_fleet: StartFleet, fault: str
) -> None:
    receiver = start_fleet("UR4D").receiver(0)
    receiver.configure(**{fault: 0.4 if fault == "loss" else True})

    snapshot = poll(receiver, timeout=3.0)

    assert [c.name for c in snapshot.channels] == [c.name for c in receiver.spec.channels]


def test_uhfr_silent_times_out_within_the_deadline(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4S").receiver(0)
    receiver.silent = True
    started = time.monotonic()

    with pytest.raises(DeviceTimeoutError, match=r"no complete reply .* send round"):
        poll(receiver, timeout=SHORT)

    assert time.monotonic() - started < SHORT + 0.5


def test_uhfr_offline_is_refused(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4S").receiver(0)
    receiver.online = False

    with pytest.raises(DeviceUnreachableError, match="refused"):
        poll(receiver, timeout=SHORT)


def test_uhfr_answers_from_another_source_port_are_read(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4D").receiver(0)
    receiver.configure(reply_from_another_port=True)

    snapshot = poll(receiver)

    assert [c.name for c in snapshot.channels] == [c.name for c in receiver.spec.channels]


def test_uhfr_datagrams_from_another_address_are_ignored(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4S").receiver(0)
    receiver.latency = 0.5  # the poll waits while a stranger writes to its socket
    polled: list[ReceiverSnapshot] = []
    polling = threading.Thread(target=lambda: polled.append(poll(receiver, timeout=3.0)))
    polling.start()
    client = wait_for(lambda: _peer_address(receiver), timeout=2, what="the poll's datagrams")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
        stranger.bind(("127.0.0.2", 0))
        stranger.sendto(b"* REPORT ERR *", client)  # taken in, it would fail the poll

    polling.join(timeout=5)

    assert polled, "the poll failed"
    assert [c.name for c in polled[0].channels] == [receiver.spec.channels[0].name]


def test_uhfr_over_ipv6_reads_and_is_refused_when_offline() -> None:
    with Fleet([receiver_spec("UR4D")], host="::1", battery_drain=0, seed=3) as fleet:
        receiver = fleet.receiver(0)
        assert len(poll(receiver).channels) == 2
        receiver.online = False
        with pytest.raises(DeviceUnreachableError, match=r"\[::1\]:\d+ refused"):
            poll(receiver, timeout=SHORT)


def _peer_address(receiver: SimulatedReceiver) -> tuple[str, int] | None:
    try:
        addresses = [getattr(peer, "addr", None) for peer in list(receiver.peers)]
    except RuntimeError:  # the set changed under the copy; look again
        return None
    return next((a for a in addresses if a is not None), None)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(GarbageMode.AROUND, None), (GarbageMode.TRUNCATED, None), (GarbageMode.ONLY, "garbage")],
)
def test_uhfr_garbage(start_fleet: StartFleet, mode: GarbageMode, expected: str | None) -> None:
    receiver = start_fleet("UR4D").receiver(0)
    receiver.garbage = mode

    if expected is None:
        assert len(poll(receiver).channels) == 2
    else:
        with pytest.raises(ProtocolError, match=expected):
            poll(receiver, timeout=SHORT)


def test_uhfr_cut_datagrams_time_out_with_a_readable_note(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4S").receiver(0)
    receiver.close_mid_reply = True

    with pytest.raises(ProtocolError, match="garbage"):
        poll(receiver, timeout=SHORT)


@pytest.mark.parametrize("model", ["SLXD4", "AD4Q", "P10T"])
def test_reset_mid_reply_is_a_readable_error(start_fleet: StartFleet, model: str) -> None:
    receiver = start_fleet(model).receiver(0)
    receiver.configure(reset_mid_reply=True)

    with pytest.raises(ProtocolError, match=r"reset|closed"):
        poll(receiver, timeout=SHORT)


def test_batched_replies_arrive_in_one_segment_and_still_parse(start_fleet: StartFleet) -> None:
    receiver = start_fleet("P10T").receiver(0)
    receiver.configure(batch=True)

    snapshot = poll(receiver)

    assert len(snapshot.channels) == 2
    wait_for(lambda: receiver.connection_count == 0, timeout=2, what="the poll to hang up")


def test_two_thousand_receivers_of_every_family_in_one_process() -> None:
    count = 2000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 300:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 600), hard))
    specs = specs_for_models(SHURE_FAMILIES_MODELS, count)

    with Fleet(specs, battery_drain=0, seed=5) as fleet:
        assert len({(r.family.transport, r.port) for r in fleet.receivers}) == count
        for index in (0, 4, 5, count // 2 + 3, count - 1):  # ULX-D, UHF-R, PSM1000, ...
            receiver = fleet.receiver(index)
            assert poll(receiver).device_id == receiver.spec.device_id
