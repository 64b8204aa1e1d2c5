"""The simulator, spoken to over real sockets with nothing but the codec."""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from micboard.integrations.shure.codec import FrameDecoder, Message, Verb, encode, unquote
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import SWAP_TICKS, GarbageMode, SimulatedReceiver
from micboard.integrations.shure.specs import FULL_RUNTIME_MINUTES, receiver_spec
from micboard.integrations.shure.values import ANTENNA_STATES, METER_PARAMS
from tests.conftest import StartFleet
from tests.waiting import wait_for

ERR = Message(Verb.REP, None, "ERR")
CHANNEL_PARAMS = [
    "CHAN_NAME",
    "AUDIO_GAIN",
    "FREQUENCY",
    "TX_TYPE",
    "TX_OFFSET",
    "BATT_BARS",
    "BATT_RUN_TIME",
    *METER_PARAMS,
]
DEVICE_PARAMS = ["MODEL", "FW_VER", "DEVICE_ID"]  # ULX-D has no RF_BAND
REPLY_OF_ONE_CHANNEL = DEVICE_PARAMS + CHANNEL_PARAMS
"""``GET n ALL``: "REP for all device-specific properties and ALL channel x-related
properties" (Shure's ULX-D and Axient Digital command strings, ALL)."""
Messages = list[Message]


class RawClient:
    """A bare protocol client: a socket, the codec, and bounded reads."""

    def __init__(self, receiver: SimulatedReceiver) -> None:
        self.sock = socket.create_connection((receiver.host, receiver.port), timeout=2)
        self.decoder = FrameDecoder()
        self.reads = 0

    def send(self, *commands: Message | bytes) -> None:
        self.sock.sendall(b"".join(c if isinstance(c, bytes) else encode(c) for c in commands))

    def read_until(self, done: Callable[[Messages], bool], timeout: float = 2.0) -> Messages:
        received: Messages = []
        deadline = time.monotonic() + timeout
        while not done(received):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; received {received}"
            self.sock.settimeout(remaining)
            data = self.sock.recv(4096)
            assert data, f"connection closed; received {received}"
            self.reads += 1
            received += self.decoder.feed(data)
        return received

    def read_count(self, count: int, timeout: float = 2.0) -> Messages:
        return self.read_until(lambda received: len(received) >= count, timeout)

    def read_for(self, seconds: float) -> Messages:
        """Everything that arrives within ``seconds`` (the connection stays open)."""
        received: Messages = []
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                break
            if not data:
                break
            received += self.decoder.feed(data)
        return received

    def ask(self, command: Message | bytes) -> Message:
        self.send(command)
        return self.read_count(1)[0]


@pytest.fixture
def connect() -> Iterator[Callable[[SimulatedReceiver], RawClient]]:
    clients: list[RawClient] = []

    def open_client(receiver: SimulatedReceiver) -> RawClient:
        clients.append(RawClient(receiver))
        return clients[-1]

    yield open_client
    for client in clients:
        client.sock.close()


Connect = Callable[[SimulatedReceiver], RawClient]


@pytest.fixture
def quad(start_fleet: StartFleet) -> SimulatedReceiver:
    return start_fleet("ULXD4Q").receiver(0)


def test_get_0_all_reports_the_device_then_every_channel(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    client.send(Message(Verb.GET, 0, "ALL"))

    reports = client.read_count(len(DEVICE_PARAMS) + 4 * len(CHANNEL_PARAMS))

    assert all(report.verb is Verb.REP for report in reports)
    device, channels = reports[:3], reports[3:]
    assert [(r.channel, r.param) for r in device] == [
        (None, "MODEL"),
        (None, "FW_VER"),
        (None, "DEVICE_ID"),
    ]
    # Padded as the ULX-D document prints them: 32, 24 and 8 characters.
    assert [len(r.value) - 2 for r in device] == [32, 24, 8]
    assert unquote(device[0].value) == "ULXD4Q"
    assert [(r.channel, r.param) for r in channels] == [
        (number, param) for number in range(1, 5) for param in CHANNEL_PARAMS
    ]
    # The document's name is 8 characters, padded.
    assert [r.value for r in channels if r.param == "CHAN_NAME"][:2] == ["{01 Lead }", "{02 Vicar}"]


def test_answers_single_values(quad: SimulatedReceiver, connect: Connect) -> None:
    client = connect(quad)
    frequency = quad.spec.channels[1].frequency_khz

    assert client.ask(Message(Verb.GET, 2, "FREQUENCY")) == Message(
        Verb.REP, 2, "FREQUENCY", (f"{frequency:06d}",)
    )
    assert client.ask(Message(Verb.GET, None, "MODEL")).param == "MODEL"
    assert client.ask(Message(Verb.GET, None, "RF_BAND")) == ERR  # not a ULX-D parameter
    client.send(Message(Verb.GET, 3, "ALL"))
    # One channel's ALL also reports the device's properties, as the documents say.
    assert [(r.channel, r.param) for r in client.read_count(len(REPLY_OF_ONE_CHANNEL))] == [
        *((None, param) for param in DEVICE_PARAMS),
        *((3, param) for param in CHANNEL_PARAMS),
    ]


@pytest.mark.parametrize(
    "command",
    [
        encode(Message(Verb.GET, 5, "ALL")),
        encode(Message(Verb.GET, 1, "NOPE")),
        encode(Message(Verb.GET, 1, "MODEL")),
        encode(Message(Verb.SET, 1, "FREQUENCY", ("0500000",))),  # ULX-D takes six digits
        encode(Message(Verb.SET, 1, "FREQUENCY", ("000000",))),
        encode(Message(Verb.SET, 1, "METER_RATE", ("00050",))),
        encode(Message(Verb.SET, 1, "CHAN_NAME", ("{" + "x" * 32 + "}",))),
        encode(Message(Verb.SET, 1, "CHAN_NAME", ("{BP03 Pastor}",))),  # ULX-D holds 8
        encode(Message(Verb.REP, 1, "CHAN_NAME", ("x",))),
        encode(Message(Verb.SET, None, "DEVICE_ID", ("{Stage Left}",))),  # SET takes 1-8
        b"< BOGUS >",
        b"< GET 1 {unclosed >",
    ],
)
def test_malformed_or_unsupported_commands_get_rep_err(
    quad: SimulatedReceiver, connect: Connect, command: bytes
) -> None:
    assert connect(quad).ask(command) == ERR


def test_a_cut_off_command_gets_err_and_the_next_one_its_answer(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    client.send(b"< GET 1 AL", Message(Verb.GET, 1, "TX_TYPE"))

    assert client.read_count(2) == [ERR, Message(Verb.REP, 1, "TX_TYPE", ("ULXD2",))]


def test_a_renamed_channel_is_pushed_to_every_client(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    renaming, watching = connect(quad), connect(quad)
    wait_for(lambda: quad.connection_count == 2, timeout=2, what="both clients")

    renaming.send(Message(Verb.SET, 1, "CHAN_NAME", ("{03 Vicar}",)))

    for client in (renaming, watching):
        (report,) = client.read_count(1)
        assert (report.channel, report.param, report.value) == (1, "CHAN_NAME", "{03 Vicar}")
    assert unquote(watching.ask(Message(Verb.GET, 1, "CHAN_NAME")).value) == "03 Vicar"


def test_a_new_device_id_is_reported_to_every_client(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    renaming, watching = connect(quad), connect(quad)
    wait_for(lambda: quad.connection_count == 2, timeout=2, what="both clients")

    renaming.send(Message(Verb.SET, None, "DEVICE_ID", ("{Stage L}",)))

    for client in (renaming, watching):
        (report,) = client.read_count(1)
        assert (report.channel, report.param, unquote(report.value)) == (
            None,
            "DEVICE_ID",
            "Stage L",
        )
    assert unquote(watching.ask(Message(Verb.GET, None, "DEVICE_ID")).value) == "Stage L"


def test_values_set_from_another_thread_are_pushed(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    wait_for(lambda: quad.connection_count == 1, timeout=2, what="the client")

    quad.set_battery(2, 1, 30)
    assert {(r.param, r.value) for r in client.read_count(2)} == {
        ("BATT_BARS", "001"),
        ("BATT_RUN_TIME", "00030"),
    }
    quad.set_frequency(2, 600_000)
    assert client.read_count(1) == [Message(Verb.REP, 2, "FREQUENCY", ("600000",))]
    quad.set_battery(2, None, None)
    assert {(r.param, r.value) for r in client.read_count(4)} == {
        ("BATT_BARS", "255"),
        ("BATT_RUN_TIME", "65535"),
        ("TX_TYPE", "UNKN"),
        ("TX_OFFSET", "255"),
    }
    assert quad.channel_values(2)["RF_ANTENNA"] == "XX"


def is_sample(message: Message) -> bool:
    return message.verb is Verb.SAMPLE


def test_meter_rate_streams_samples_until_switched_off(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    client.send(Message(Verb.SET, 1, "METER_RATE", ("00100",)))

    received = client.read_until(lambda messages: sum(map(is_sample, messages)) >= 3)

    assert received[0] == Message(Verb.REP, 1, "METER_RATE", ("00100",))
    for sample in filter(is_sample, received):
        antenna, rf, audio = sample.values
        assert (sample.channel, sample.param) == (1, "ALL")
        assert antenna in ANTENNA_STATES
        assert 0 <= int(rf) <= 115
        assert 0 <= int(audio) <= 50

    off = Message(Verb.REP, 1, "METER_RATE", ("00000",))
    client.send(Message(Verb.SET, 1, "METER_RATE", ("0",)))
    client.read_until(lambda messages: off in messages)
    assert client.read_for(0.3) == []


def test_metering_stops_when_the_client_goes(quad: SimulatedReceiver, connect: Connect) -> None:
    client = connect(quad)
    client.send(Message(Verb.SET, 0, "METER_RATE", ("00100",)))
    received = client.read_until(
        lambda messages: {m.channel for m in messages if is_sample(m)} == {1, 2, 3, 4}
    )
    assert [m.channel for m in received[:4]] == [1, 2, 3, 4]  # one REP per channel first

    client.sock.close()

    wait_for(lambda: quad.connection_count == 0, timeout=2, what="the connection to end")
    assert connect(quad).read_for(0.3) == []


def test_batteries_drain_over_time(start_fleet: StartFleet, connect: Connect) -> None:
    receiver = start_fleet("ULXD4", tick_interval=0.02, battery_drain=5).receiver(0)
    client = connect(receiver)

    received = client.read_until(
        lambda messages: sum(m.param == "BATT_RUN_TIME" for m in messages) >= 3
    )

    runtimes = [int(m.value) for m in received if m.param == "BATT_RUN_TIME"]
    assert runtimes == sorted(runtimes, reverse=True)


def test_an_empty_battery_switches_the_transmitter_off_then_back_to_full(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    wait_for(lambda: quad.connection_count == 1, timeout=2, what="the client")
    quad.set_battery(3, 1, 100)
    quad.tick(60)
    quad.tick(60)
    for _ in range(SWAP_TICKS):
        quad.tick(0)

    def third(messages: Messages) -> Messages:
        return [m for m in messages if m.channel == 3]  # the other channels drain too

    received = third(client.read_until(lambda messages: len(third(messages)) >= 2 + 1 + 4 + 4))

    assert [(m.param, m.value) for m in received if m.param.startswith("BATT")] == [
        ("BATT_BARS", "001"),
        ("BATT_RUN_TIME", "00100"),
        ("BATT_RUN_TIME", "00040"),
        ("BATT_BARS", "255"),
        ("BATT_RUN_TIME", "65535"),
        ("BATT_BARS", "005"),
        ("BATT_RUN_TIME", f"{FULL_RUNTIME_MINUTES:05d}"),
    ]
    assert [m.value for m in received if m.param == "TX_TYPE"] == [
        "UNKN",
        quad.spec.channels[2].transmitter,
    ]


def test_garbage_around_replies_leaves_every_message_decodable(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    quad.garbage = GarbageMode.AROUND
    client = connect(quad)
    client.send(Message(Verb.GET, 0, "ALL"))

    received = client.read_count(len(DEVICE_PARAMS) + 4 * len(CHANNEL_PARAMS))

    assert received[0].param == "MODEL"
    assert client.decoder.discarded_bytes > 0
    assert client.decoder.malformed_frames >= len(received)  # one cut-off frame before each


def test_garbage_only_never_delivers_a_valid_message(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    quad.garbage = GarbageMode.ONLY
    client = connect(quad)
    client.send(Message(Verb.GET, 0, "ALL"))

    assert client.read_for(0.3) == []
    assert client.decoder.malformed_frames > 0


def test_split_segments_dribble_the_reply(quad: SimulatedReceiver, connect: Connect) -> None:
    quad.split_segments = True
    client = connect(quad)
    client.send(Message(Verb.GET, 1, "ALL"))

    received = client.read_count(len(REPLY_OF_ONE_CHANNEL), timeout=5)

    assert [m.param for m in received] == REPLY_OF_ONE_CHANNEL
    assert client.reads > len(received)


def test_close_mid_reply_sends_part_then_closes(quad: SimulatedReceiver, connect: Connect) -> None:
    quad.close_mid_reply = True
    client = connect(quad)
    client.send(Message(Verb.GET, 0, "ALL"))

    received = client.read_for(2.0)  # returns at the close, well before 2 s

    assert 0 < len(received) < 4 + 4 * len(CHANNEL_PARAMS)
    wait_for(lambda: quad.connection_count == 0, timeout=2, what="the close")


def test_silent_accepts_and_never_answers(quad: SimulatedReceiver, connect: Connect) -> None:
    quad.silent = True
    client = connect(quad)
    client.send(Message(Verb.GET, 0, "ALL"))

    assert client.read_for(0.3) == []
    assert quad.connection_count == 1


def test_latency_delays_each_reply(quad: SimulatedReceiver, connect: Connect) -> None:
    quad.latency = 0.2
    client = connect(quad)
    started = time.monotonic()

    client.ask(Message(Verb.GET, None, "MODEL"))

    assert time.monotonic() - started >= 0.2


def test_offline_drops_clients_and_refuses_until_online_on_the_same_port(
    quad: SimulatedReceiver, connect: Connect
) -> None:
    client = connect(quad)
    port = quad.port

    quad.online = False

    assert client.read_for(2.0) == []  # closed by the receiver, not timed out
    with pytest.raises(ConnectionRefusedError):
        connect(quad)
    quad.online = True
    assert quad.port == port
    assert connect(quad).ask(Message(Verb.GET, None, "MODEL")).param == "MODEL"


def test_switches_can_be_flipped_from_many_threads(quad: SimulatedReceiver) -> None:
    def flip(switch: str, values: tuple[object, object]) -> None:
        for turn in range(50):
            setattr(quad, switch, values[turn % 2])

    threads = [
        threading.Thread(target=flip, args=("silent", (True, False))),
        threading.Thread(target=flip, args=("latency", (0.5, 0.0))),
        threading.Thread(target=flip, args=("garbage", (GarbageMode.ONLY, GarbageMode.OFF))),
        threading.Thread(target=flip, args=("split_segments", (True, False))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert (quad.silent, quad.latency, quad.garbage, quad.split_segments) == (
        False,
        0.0,
        GarbageMode.OFF,
        False,
    )


def free_port_pair() -> int:
    """A port whose successor is free too (checked by binding both, then releasing)."""
    for _ in range(20):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port: int = first.getsockname()[1]
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise AssertionError("no free pair of ports")


def test_fleet_uses_consecutive_ports_from_base_port() -> None:
    base = free_port_pair()

    with Fleet([receiver_spec("ULXD4"), receiver_spec("QLXD4", 1)], base_port=base) as fleet:
        assert [r.port for r in fleet.receivers] == [base, base + 1]
        assert [r.channel_count for r in fleet.receivers] == [1, 1]

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", base), timeout=2)


def test_fleet_start_fails_cleanly_when_a_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        fleet = Fleet([receiver_spec("ULXD4")], base_port=port)

        with pytest.raises(OSError, match=r"(?i)address already in use"):
            fleet.start(timeout=5)
    fleet.stop(timeout=5)


def test_fleet_scales_to_two_thousand_receivers(connect: Connect) -> None:
    count = 2000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 500), hard))
    specs = [receiver_spec("ULXD4", i) for i in range(count)]

    with Fleet(specs, battery_drain=0) as fleet:
        assert len({r.port for r in fleet.receivers}) == count
        for index in (0, count // 2, count - 1):
            receiver = fleet.receiver(index)
            reply = connect(receiver).ask(Message(Verb.GET, None, "DEVICE_ID"))
            assert unquote(reply.value) == receiver.spec.device_id


def test_a_value_kept_per_antenna_is_asked_for_by_index(
    start_fleet: StartFleet, connect: Connect
) -> None:
    client = connect(start_fleet("SLXD4D").receiver(0))

    client.send(Message(Verb.GET, 1, "RSSI"))
    both = client.read_count(2)
    assert [(m.param, m.values[0]) for m in both] == [("RSSI", "1"), ("RSSI", "2")]
    assert client.ask(Message(Verb.GET, 1, "RSSI", ("2",))) == both[1]
    assert client.ask(Message(Verb.GET, 1, "FREQUENCY", ("2",))) == ERR
