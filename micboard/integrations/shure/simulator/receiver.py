"""One simulated Shure receiver of any family: state, fault switches and the protocol.

It speaks through the shared codec and family modules (never the client), so a codec
bug shows up on both sides instead of hiding between them. It answers ``GET``/``SET``
like the hardware, pushes a report to every client when a value changes and streams
metering at the rate a client asks for. Switches and values can be changed from any
thread; the transports (``tcp``, ``udp``) carry the bytes.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from micboard.exceptions import ProtocolError
from micboard.integrations.base import DeviceAddress
from micboard.integrations.shure.codec import Message, Verb, unquote
from micboard.integrations.shure.families import Family, Transport, receiver_model
from micboard.integrations.shure.families.uhfr import meter_interval
from micboard.integrations.shure.simulator.channel import SimulatedChannel
from micboard.integrations.shure.simulator.refusals import CommandRejectedError, check_name
from micboard.integrations.shure.simulator.streams import Endpoint, Peer
from micboard.integrations.shure.simulator.switches import Switches
from micboard.integrations.shure.simulator.tcp import TcpEndpoint
from micboard.integrations.shure.simulator.udp import UdpEndpoint
from micboard.integrations.shure.specs import ReceiverSpec
from micboard.integrations.shure.values import AUDIO_GAIN_OFFSET_DB, MAX_AUDIO_GAIN

T = TypeVar("T")

MIN_METER_RATE_MS = 100
MAX_METER_RATE_DIGITS = 11
CONTROL_TIMEOUT = 5.0
DEVICE_ID_WIDTH = 8
ERR = Message(Verb.REP, None, "ERR")


class SimulatedReceiver(Switches):
    """One simulated receiver. Control methods and switches are safe from any thread."""

    def __init__(self, spec: ReceiverSpec, *, seed: int | str | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.model = spec.model
        self.family: Family = receiver_model(spec.model).family
        self.channel_count = len(spec.channels)
        self.device_id = spec.device_id
        self.host = ""
        self.port = 0
        self.rng = random.Random(seed)  # None: seeded from the OS
        self._channels = [
            SimulatedChannel.from_spec(channel, has_battery=self.family.has_battery)
            for channel in spec.channels
        ]
        self.peers: set[Peer] = set()
        self.recent_commands: deque[Message] = deque(maxlen=64)
        """The latest commands clients sent, oldest first."""
        self.loop: asyncio.AbstractEventLoop | None = None
        self._endpoint: Endpoint | None = None
        self._pending_drain = 0.0

    # Lifecycle (in the event loop)

    async def start(self, host: str, port: int = 0) -> None:
        """Listen on ``host:port`` (0: the OS picks); ``port`` then holds the real port."""
        self.loop = asyncio.get_running_loop()
        self.host = host
        kind: type[Endpoint] = (
            UdpEndpoint if self.family.transport is Transport.UDP else TcpEndpoint
        )
        endpoint = kind(self)
        self.port = await endpoint.open(host, port)
        self._endpoint = endpoint

    async def stop(self) -> None:
        """Stop listening and drop every client at once, unsent bytes and all."""
        await self.set_online(False)
        for peer in list(self.peers):
            peer.close(abort=True)

    async def set_online(self, online: bool) -> None:
        """Offline stops listening (connections are refused) and drops every client;
        online listens again on the same port."""
        if online and self._endpoint is None:
            await self.start(self.host, self.port)
        elif not online and self._endpoint is not None:
            endpoint, self._endpoint = self._endpoint, None
            endpoint.close()

    # Switches

    @property
    def online(self) -> bool:
        return self._endpoint is not None

    @online.setter
    def online(self, online: bool) -> None:
        loop = self.loop
        if loop is None:
            raise RuntimeError("the receiver has not been started")
        if _running_loop() is loop:
            raise RuntimeError("inside the event loop, await set_online() instead")
        asyncio.run_coroutine_threadsafe(self.set_online(online), loop).result(CONTROL_TIMEOUT)

    def address(self, timeout: float = 2.0) -> DeviceAddress:
        """Where a driver reaches this receiver."""
        return DeviceAddress(self.host, self.port, timeout)

    @property
    def connection_count(self) -> int:
        return len(self.peers)

    # Values (pushed to clients as reports)

    def channel_values(self, channel: int) -> dict[str, str]:
        """The raw values ``GET channel ALL`` would report now."""
        return self._in_loop(lambda: self._reports(channel))

    @property
    def name_width(self) -> int:
        return self.family.name_width

    @property
    def family_name(self) -> str:
        return self.family.name

    @property
    def transport(self) -> str:
        return self.family.transport.value

    def starting_name(self, channel: int) -> str:
        return self.spec.channels[channel - 1].name

    def starting_frequency(self, channel: int) -> int:
        return self.spec.channels[channel - 1].frequency_khz

    def set_channel_name(self, channel: int, name: str) -> None:
        check_name(name, self.family.name_width)
        self._in_loop(lambda: self._change(channel, lambda state: setattr(state, "name", name)))

    def set_frequency(self, channel: int, frequency_khz: int) -> None:
        if not 0 < frequency_khz < 1_000_000:
            raise CommandRejectedError(f"frequency {frequency_khz} kHz is not six digits")
        self._in_loop(lambda: self._change(channel, lambda state: state.tune(frequency_khz)))

    def set_audio_gain(self, channel: int, gain_db: int) -> None:
        """Set a channel's audio gain (the documents' range: -18 to +42 dB)."""
        if not 0 <= gain_db + AUDIO_GAIN_OFFSET_DB <= MAX_AUDIO_GAIN:
            raise CommandRejectedError(f"audio gain {gain_db} dB outside -18 to +42")
        self._in_loop(
            lambda: self._change(channel, lambda state: setattr(state, "audio_gain_db", gain_db))
        )

    def set_group_channel(self, channel: int, group: int, number: int) -> None:
        """Tune a channel to a group and channel (reported as ``{g,c}``)."""
        text = f"{group},{number}"
        self._in_loop(
            lambda: self._change(channel, lambda state: setattr(state, "group_channel", text))
        )

    def set_battery(self, channel: int, bars: int | None, runtime_minutes: int | None) -> None:
        """Set a transmitter's battery; ``bars=None`` switches the transmitter off."""
        if bars is not None and not 0 <= bars <= 5:
            raise CommandRejectedError(f"battery bars {bars} outside 0-5")
        self._in_loop(
            lambda: self._change(channel, lambda state: state.set_battery(bars, runtime_minutes))
        )

    def set_transmitter(self, channel: int, on: bool) -> None:
        """Switch a transmitter off (its battery is kept) or back on."""
        self._in_loop(lambda: self._change(channel, lambda state: state.set_transmitter(on)))

    def set_rf_dropout(self, channel: int, dropout: bool) -> None:
        self._in_loop(lambda: self._change(channel, lambda state: state.set_rf_dropout(dropout)))

    def set_audio_peak(self, channel: int, peaking: bool) -> None:
        self._in_loop(lambda: self._change(channel, lambda state: state.set_peaking(peaking)))

    def drain(self, channel: int, minutes: int) -> None:
        """Run one transmitter's battery down by ``minutes``."""
        self._in_loop(lambda: self._change(channel, lambda state: state.drain(minutes)))

    def tick(self, drain_minutes: float, *, seconds: float = 0.0) -> None:
        """Advance simulated time by one tick: batteries drain ``drain_minutes`` and meters
        move by a step of ``seconds`` (0: they stay)."""
        self._in_loop(lambda: self._tick(drain_minutes, seconds))

    def _tick(self, drain_minutes: float, seconds: float) -> None:
        self._pending_drain += drain_minutes
        whole = int(self._pending_drain)
        self._pending_drain -= whole
        for number, channel in enumerate(self._channels, start=1):
            if seconds:
                channel.step_meters(self.rng, seconds)
            if whole or channel.swap_ticks_left:
                self._change(number, lambda state: state.drain(whole))

    # Protocol (in the event loop)

    def record(self, commands: list[Message | ProtocolError]) -> None:
        """Keep what a client sent, as it arrives (before any latency)."""
        self.recent_commands.extend(c for c in commands if isinstance(c, Message))

    def answer(self, item: Message | ProtocolError, peer: Peer) -> list[Message]:
        """The replies to one command (or to a frame that did not parse)."""
        if self._behaviour.silent:
            return []
        if isinstance(item, ProtocolError) or self._behaviour.reply_errors:
            return [ERR]
        try:
            replies = self._handle(item, peer)
        except (CommandRejectedError, ProtocolError):
            return [ERR]
        if replies and self._behaviour.odd_samples:
            return [Message(Verb.SAMPLE, 1, "ALL", ("XX",)), *replies]
        return replies

    def handle_get(self, channel: int | None, param: str, index: str = "0") -> list[Message]:
        """The reports for one ``GET``; ``[]`` for one this firmware ignores. ``GET n ALL``
        reports the device's properties, then channel ``n``'s (0: every channel's), as the
        documents say; ``index`` picks one of a value kept per index (``GET 1 RSSI 2``:
        antenna 2), ``0`` or none asks for every one."""
        family, behaviour = self.family, self._behaviour
        device = self._device_reports()
        if param == "ALL" and family.get_all:
            # Shure's ULX-D and Axient documents: "GET x ALL" answers every device property,
            # then every channel's (x = 0) or channel x's properties.
            if behaviour.no_get_all or (channel in (None, 0) and behaviour.no_all_channels):
                return []
            numbers = self._numbers(0 if channel is None else channel)
            reports = [family.report_message(None, k, v) for k, v in device.items()]
            return self._lose_one(reports + [m for n in numbers for m in self._channel_messages(n)])
        if channel in (None, 0):
            if behaviour.no_model and param == family.identity.model:
                return []
            if param not in device:
                raise CommandRejectedError
            return [family.report_message(None, param, device[param])]
        values = self._reports(channel)
        keys = [key for key in values if key.split(" ")[0] == param]
        if index != "0":
            keys = [key for key in keys if key == f"{param} {index}"]
        if not keys:
            raise CommandRejectedError
        return self._lose_one([family.report_message(channel, key, values[key]) for key in keys])

    def _lose_one(self, reports: list[Message]) -> list[Message]:
        """Under ``lose_value``: drop the first channel value of ``reports``, once."""
        if not self._behaviour.lose_value:
            return reports
        lost = next(
            (m for m in reports if m.channel and m.param in self.family.channel_params), None
        )
        if lost is None:
            return reports
        self.configure(lose_value=False)
        return [m for m in reports if m is not lost]

    def meter_messages(self, channel: int, seconds: float) -> list[Message]:
        """One SAMPLE of ``channel``, its meters moved by a step of ``seconds``."""
        state = self._channel(channel)
        state.step_meters(self.rng, seconds)
        return self.family.meter_messages(state.snapshot(channel))

    def _handle(self, command: Message, peer: Peer) -> list[Message]:
        indexed = bool(command.channel) and len(command.values) == 1  # GET 1 RSSI 2
        if command.verb is Verb.GET and (not command.values or indexed):
            return self.handle_get(command.channel, command.param, *command.values)
        if command.verb is Verb.SET and command.param == "METER_RATE":
            return self._set_meter_rate(command, peer)
        if command.verb is Verb.METER and self.family.transport is Transport.UDP:
            interval = meter_interval(command.value)
            for number in self._numbers(command.channel):
                peer.set_meter(number, interval)
            return []
        if command.verb is Verb.SET and command.param == self.family.identity.device_id:
            return self._set_device_id(unquote(" ".join(command.values)))
        if command.verb is Verb.SET and command.param == "CHAN_NAME":
            name = unquote(" ".join(command.values))
            check_name(name, self.family.name_width)
            self._change(command.channel, lambda state: setattr(state, "name", name))
            return []  # the change is pushed to every client, this one included
        if command.verb is Verb.SET and command.param == "FREQUENCY":
            return self._set_frequency(command)
        raise CommandRejectedError

    def _set_frequency(self, command: Message) -> list[Message]:
        """``SET n FREQUENCY`` with the family's digits of kHz; the report is pushed."""
        raw, digits = command.value, self.family.set_frequency_digits
        if digits is None or len(raw) != digits or not raw.isdigit() or not int(raw):
            raise CommandRejectedError
        khz = int(raw)
        self._change(command.channel, lambda state: state.tune(khz))
        return []

    def _set_device_id(self, device_id: str) -> list[Message]:
        """Documented SETs take 1-8 characters; the new ID is reported to every client."""
        check_name(device_id, DEVICE_ID_WIDTH)
        self.device_id = device_id
        param = self.family.identity.device_id
        report = self.family.report_message(None, param, self._device_reports()[param])
        for client in self.peers:
            client.push([report])
        return []

    def _set_meter_rate(self, command: Message, peer: Peer) -> list[Message]:
        raw = command.value
        if not raw.isdigit() or len(raw) > MAX_METER_RATE_DIGITS:
            raise CommandRejectedError
        rate = int(raw)
        if 0 < rate < MIN_METER_RATE_MS:
            raise CommandRejectedError
        replies = []
        for number in self._numbers(command.channel):
            peer.set_meter(number, rate / 1000 or None)
            replies.append(Message(Verb.REP, number, "METER_RATE", (f"{rate:05d}",)))
        return replies

    def _numbers(self, channel: int | None) -> list[int]:
        if channel == 0:
            return list(range(1, self.channel_count + 1))
        return [self._number(channel)]

    def _device_reports(self) -> dict[str, str]:
        spec = self.spec
        reports = self.family.device_reports(
            model=self._behaviour.reported_model or self.model,
            firmware=spec.firmware,
            device_id=self.device_id,
            rf_band=spec.rf_band,
        )
        if self._behaviour.no_model:
            reports.pop(self.family.identity.model, None)
        return reports

    def _reports(self, channel: int | None) -> dict[str, str]:
        number = self._number(channel)
        return self.family.channel_reports(self._channels[number - 1].snapshot(number))

    def _channel_messages(self, channel: int | None) -> list[Message]:
        return [
            self.family.report_message(channel, key, value)
            for key, value in self._reports(channel).items()
        ]

    def _channel(self, channel: int | None) -> SimulatedChannel:
        return self._channels[self._number(channel) - 1]

    def _number(self, channel: int | None) -> int:
        if channel is None or not 1 <= channel <= self.channel_count:
            raise CommandRejectedError(f"{self.model} has no channel {channel}")
        return channel

    def _change(self, channel: int | None, change: Callable[[SimulatedChannel], None]) -> None:
        """Apply ``change`` and push a report for every reported value it changed."""
        before = self._reports(channel)
        change(self._channel(channel))
        meters = self.family.meter_params
        reports = [
            self.family.report_message(channel, key, value)
            for key, value in self._reports(channel).items()
            if value != before.get(key) and key not in meters
        ]
        if reports:
            for peer in self.peers:
                peer.push(reports)

    def _in_loop(self, action: Callable[[], T]) -> T:
        """Run ``action`` in the receiver's event loop and return its result."""
        loop = self.loop
        if loop is None or _running_loop() is loop or loop.is_closed():
            return action()

        async def run() -> T:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(CONTROL_TIMEOUT)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
