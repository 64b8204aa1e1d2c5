"""An asyncio simulator of ULXD4, ULXD4D, ULXD4Q and QLXD4 receivers.

It speaks the protocol through the shared codec and value modules (never the client), so
a codec bug shows up on both sides instead of hiding between them. Each receiver listens
on its own TCP port, answers ``GET``/``SET`` like the hardware, pushes a REP to every
connected client when a value changes and streams ``SAMPLE`` metering at ``METER_RATE``.
Fault switches (offline, silent, garbage, ...) can be flipped from any thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import random
import socket
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from micboard.exceptions import ProtocolError
from micboard.integrations.base import DeviceAddress
from micboard.integrations.shure.codec import (
    ANGLE_FRAMING,
    FrameDecoder,
    Message,
    Verb,
    encode,
    quote,
    unquote,
)
from micboard.integrations.shure.specs import (
    FULL_RUNTIME_MINUTES,
    ChannelSpec,
    ReceiverSpec,
    battery_bars_for,
    receiver_spec,
)
from micboard.integrations.shure.values import (
    METER_PARAMS,
    NAME_WIDTH,
    format_audio_level,
    format_battery_bars,
    format_channel_name,
    format_frequency_khz,
    format_rf_level,
    format_runtime_minutes,
    format_tx_offset_db,
    format_tx_type,
)

T = TypeVar("T")

SWAP_TICKS = 3
MIN_METER_RATE_MS = 100
CONTROL_TIMEOUT = 5.0
READ_SIZE = 4096
LISTEN_BACKLOG = 64
MAX_PENDING_PUSHES = 64
SPLIT_MAX_BYTES = 8
SPLIT_PAUSE = 0.0005
ERR = Message(Verb.REP, None, "ERR")


class GarbageMode(enum.Enum):
    OFF = "off"
    AROUND = "around"
    """Junk bytes and cut-off frames between valid frames: a client must still parse."""
    ONLY = "only"
    """Junk bytes and cut-off frames instead of every frame: nothing valid arrives."""


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A receiver's fault switches; replaced as a whole, so readers see a consistent set."""

    silent: bool = False
    close_mid_reply: bool = False
    garbage: GarbageMode = GarbageMode.OFF
    split_segments: bool = False
    latency: float = 0.0
    reply_errors: bool = False


@dataclass(slots=True)
class _Channel:
    name: str
    frequency_khz: int
    transmitter: str
    tx_offset_db: int
    runtime_minutes: int | None
    battery_bars: int | None
    rf_level: int = 0
    audio_level: int = 0
    antenna: str = "XX"
    swap_ticks_left: int = 0

    @classmethod
    def from_spec(cls, spec: ChannelSpec) -> _Channel:
        channel = cls(
            spec.name, spec.frequency_khz, spec.transmitter, spec.tx_offset_db, None, None
        )
        channel.set_battery(
            None if spec.runtime_minutes is None else battery_bars_for(spec.runtime_minutes),
            spec.runtime_minutes,
        )
        return channel

    @property
    def transmitter_on(self) -> bool:
        return self.battery_bars is not None

    def set_battery(self, bars: int | None, runtime_minutes: int | None) -> None:
        self.battery_bars = bars
        self.runtime_minutes = None if bars is None else runtime_minutes
        self.swap_ticks_left = 0
        if bars is None:
            self.rf_level, self.audio_level, self.antenna = 0, 0, "XX"
        elif self.antenna == "XX":
            self.rf_level, self.audio_level, self.antenna = 95, 20, "AX"

    def drain(self, minutes: int) -> None:
        """Run the battery down; when empty, the transmitter is off a while, then full."""
        if self.swap_ticks_left:
            self.swap_ticks_left -= 1
            if not self.swap_ticks_left:
                self.set_battery(5, FULL_RUNTIME_MINUTES)
        elif self.runtime_minutes is not None and minutes > 0:
            runtime = max(0, self.runtime_minutes - minutes)
            if runtime:
                self.battery_bars, self.runtime_minutes = battery_bars_for(runtime), runtime
            else:
                self.set_battery(None, None)
                self.swap_ticks_left = SWAP_TICKS

    def step_meters(self, rng: random.Random) -> None:
        if not self.transmitter_on:
            return
        self.rf_level = min(110, max(70, self.rf_level + rng.randint(-3, 3)))
        peak = rng.random() < 0.03
        self.audio_level = rng.randint(40, 48) if peak else rng.randint(12, 34)
        self.antenna = rng.choices(("AX", "XB", "AB"), weights=(6, 6, 1))[0]

    def values(self) -> dict[str, str]:
        """Every property ``GET n ALL`` reports, in the order it reports them."""
        on = self.transmitter_on
        return {
            "CHAN_NAME": format_channel_name(self.name),
            "FREQUENCY": format_frequency_khz(self.frequency_khz),
            "TX_TYPE": format_tx_type(self.transmitter if on else ""),
            "TX_OFFSET": format_tx_offset_db(self.tx_offset_db if on else None),
            "BATT_BARS": format_battery_bars(self.battery_bars),
            "BATT_RUN_TIME": format_runtime_minutes(self.runtime_minutes),
            "RF_ANTENNA": self.antenna,
            "RX_RF_LVL": format_rf_level(self.rf_level),
            "AUDIO_LVL": format_audio_level(self.audio_level),
        }


class CommandRejectedError(ValueError):
    """A command or value the receiver refuses (a client gets ``< REP ERR >``)."""


class SimulatedReceiver:
    """One simulated receiver. Control methods and switches are safe from any thread."""

    def __init__(self, spec: ReceiverSpec, *, seed: int | str | None = None) -> None:
        self.spec = spec
        self.model = spec.model
        self.channel_count = len(spec.channels)
        self.host = ""
        self.port = 0
        self.rng = random.Random(seed)  # None: seeded from the OS
        self._channels = [_Channel.from_spec(channel) for channel in spec.channels]
        self._behaviour = Behaviour()
        self._behaviour_lock = threading.Lock()
        self._connections: set[_Connection] = set()
        self.recent_commands: deque[Message] = deque(maxlen=64)
        """The latest commands clients sent, oldest first."""
        self._listener: socket.socket | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending_drain = 0.0

    # Lifecycle (in the event loop)

    async def start(self, host: str, port: int = 0) -> None:
        """Listen on ``host:port`` (0: the OS picks); ``port`` then holds the real port."""
        self._loop = asyncio.get_running_loop()
        self.host = host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
        listener.setblocking(False)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._loop.add_reader(listener, self._accept, listener)

    async def stop(self) -> None:
        """Stop listening and drop every client at once, unsent bytes and all.

        Connections still opening end on their own a step later; cancel what remains
        only after yielding once (see ``Fleet``)."""
        await self.set_online(False)
        for connection in list(self._connections):
            connection.close(abort=True)

    async def set_online(self, online: bool) -> None:
        """Offline closes the listening socket (connections are refused) and every
        connection; online listens again on the same port."""
        if online and self._listener is None:
            await self.start(self.host, self.port)
        elif not online and self._listener is not None:
            listener, self._listener = self._listener, None
            asyncio.get_running_loop().remove_reader(listener)
            listener.close()
            for connection in list(self._connections):
                connection.close()

    # Switches

    @property
    def online(self) -> bool:
        return self._listener is not None

    @online.setter
    def online(self, online: bool) -> None:
        loop = self._loop
        if loop is None:
            raise RuntimeError("the receiver has not been started")
        if _running_loop() is loop:
            raise RuntimeError("inside the event loop, await set_online() instead")
        asyncio.run_coroutine_threadsafe(self.set_online(online), loop).result(CONTROL_TIMEOUT)

    @property
    def silent(self) -> bool:
        """Accept connections and never answer."""
        return self._behaviour.silent

    @silent.setter
    def silent(self, silent: bool) -> None:
        self._configure(lambda b: dataclasses.replace(b, silent=silent))

    @property
    def close_mid_reply(self) -> bool:
        """Send the first half of each reply, then close the connection."""
        return self._behaviour.close_mid_reply

    @close_mid_reply.setter
    def close_mid_reply(self, close: bool) -> None:
        self._configure(lambda b: dataclasses.replace(b, close_mid_reply=close))

    @property
    def garbage(self) -> GarbageMode:
        return self._behaviour.garbage

    @garbage.setter
    def garbage(self, mode: GarbageMode) -> None:
        self._configure(lambda b: dataclasses.replace(b, garbage=mode))

    @property
    def split_segments(self) -> bool:
        """Dribble everything out a few bytes per write, with tiny pauses."""
        return self._behaviour.split_segments

    @split_segments.setter
    def split_segments(self, split: bool) -> None:
        self._configure(lambda b: dataclasses.replace(b, split_segments=split))

    @property
    def latency(self) -> float:
        """Seconds to wait before answering what arrived in one read."""
        return self._behaviour.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._configure(lambda b: dataclasses.replace(b, latency=seconds))

    @property
    def reply_errors(self) -> bool:
        """Answer every command with ``< REP ERR >``."""
        return self._behaviour.reply_errors

    @reply_errors.setter
    def reply_errors(self, errors: bool) -> None:
        self._configure(lambda b: dataclasses.replace(b, reply_errors=errors))

    def address(self, timeout: float = 2.0) -> DeviceAddress:
        """Where a driver reaches this receiver."""
        return DeviceAddress(self.host, self.port, timeout)

    @property
    def behaviour(self) -> Behaviour:
        return self._behaviour

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    # Values (pushed to connected clients as REPs)

    def channel_values(self, channel: int) -> dict[str, str]:
        """The raw values ``GET channel ALL`` would report now."""
        return self._in_loop(lambda: self._channel(channel).values())

    def set_channel_name(self, channel: int, name: str) -> None:
        _check_name(name)
        self._in_loop(lambda: self._change(channel, lambda state: setattr(state, "name", name)))

    def set_frequency(self, channel: int, frequency_khz: int) -> None:
        if not 0 < frequency_khz < 1_000_000:
            raise CommandRejectedError(f"frequency {frequency_khz} kHz is not six digits")
        self._in_loop(
            lambda: self._change(
                channel, lambda state: setattr(state, "frequency_khz", frequency_khz)
            )
        )

    def set_battery(self, channel: int, bars: int | None, runtime_minutes: int | None) -> None:
        """Set a transmitter's battery; ``bars=None`` switches the transmitter off."""
        if bars is not None and not 0 <= bars <= 5:
            raise CommandRejectedError(f"battery bars {bars} outside 0-5")
        self._in_loop(
            lambda: self._change(channel, lambda state: state.set_battery(bars, runtime_minutes))
        )

    def tick(self, drain_minutes: float) -> None:
        """Advance simulated time by one tick: batteries drain ``drain_minutes``."""
        self._in_loop(lambda: self._tick(drain_minutes))

    def _tick(self, drain_minutes: float) -> None:
        self._pending_drain += drain_minutes
        whole = int(self._pending_drain)
        self._pending_drain -= whole
        for number, channel in enumerate(self._channels, start=1):
            if whole or channel.swap_ticks_left:
                self._change(number, lambda state: state.drain(whole))

    # Protocol (in the event loop)

    def handle_get(self, channel: int | None, param: str) -> list[Message]:
        if channel in (None, 0):
            device = self._device_values()
            if param == "ALL":
                reports = [Message(Verb.REP, None, name, (v,)) for name, v in device.items()]
                for number in range(1, self.channel_count + 1):
                    reports += self._channel_reports(number)
                return reports
            if param not in device:
                raise CommandRejectedError
            return [Message(Verb.REP, None, param, (device[param],))]
        if param == "ALL":
            return self._channel_reports(channel)
        values = self._channel(channel).values()
        if param not in values:
            raise CommandRejectedError
        return [Message(Verb.REP, channel, param, (values[param],))]

    def handle_set_name(self, channel: int | None, raw_name: str) -> None:
        name = unquote(raw_name)
        _check_name(name)
        self._change(channel, lambda state: setattr(state, "name", name))

    def sample(self, channel: int) -> Message:
        state = self._channel(channel)
        state.step_meters(self.rng)
        values = state.values()
        return Message(Verb.SAMPLE, channel, "ALL", tuple(values[p] for p in METER_PARAMS))

    def garble(self, frames: Sequence[bytes], mode: GarbageMode) -> bytes:
        """The bytes to send for ``frames`` under a garbage mode."""
        if mode is GarbageMode.OFF:
            return b"".join(frames)
        pieces = []
        for frame in frames:
            pieces.append(self._junk())
            # A cut-off frame is harmless only when a new frame opens right after it.
            pieces.append(frame[: self.rng.randint(1, len(frame) - 1)])
            if mode is GarbageMode.AROUND:
                pieces.append(frame)
        if mode is GarbageMode.AROUND:
            pieces.append(self._junk())
        return b"".join(pieces)

    def _junk(self) -> bytes:
        junk = self.rng.randbytes(self.rng.randint(1, 24))
        return junk.replace(b"<", b"?").replace(b">", b"?")

    def _device_values(self) -> dict[str, str]:
        return {
            "MODEL": quote(self.model, NAME_WIDTH),
            "FW_VER": quote(self.spec.firmware, NAME_WIDTH),
            "DEVICE_ID": quote(self.spec.device_id, NAME_WIDTH),
            "RF_BAND": self.spec.rf_band,
        }

    def _channel_reports(self, channel: int | None) -> list[Message]:
        values = self._channel(channel).values()
        return [Message(Verb.REP, channel, name, (value,)) for name, value in values.items()]

    def _channel(self, channel: int | None) -> _Channel:
        if channel is None or not 1 <= channel <= self.channel_count:
            raise CommandRejectedError(f"{self.model} has no channel {channel}")
        return self._channels[channel - 1]

    def _change(self, channel: int | None, change: Callable[[_Channel], None]) -> None:
        """Apply ``change`` and push a REP for every reported value it changed."""
        state = self._channel(channel)
        before = state.values()
        change(state)
        reports = [
            Message(Verb.REP, channel, name, (value,))
            for name, value in state.values().items()
            if value != before[name] and name not in METER_PARAMS
        ]
        if reports:
            for connection in self._connections:
                connection.push(reports)

    def _configure(self, change: Callable[[Behaviour], Behaviour]) -> None:
        with self._behaviour_lock:
            self._behaviour = change(self._behaviour)

    def _in_loop(self, action: Callable[[], T]) -> T:
        """Run ``action`` in the receiver's event loop and return its result."""
        loop = self._loop
        if loop is None or _running_loop() is loop or loop.is_closed():
            return action()

        async def run() -> T:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(CONTROL_TIMEOUT)

    def _accept(self, listener: socket.socket) -> None:
        """Accept every waiting client (a reader callback, not ``asyncio.Server``: in
        Python 3.11 that leaks a socket accepted just as the server closes)."""
        while True:
            try:
                client, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            handler = asyncio.create_task(self._serve(client))
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)

    async def _serve(self, client: socket.socket) -> None:
        # Once this first step ran, the transport owns the socket and closes it on cancel.
        reader, writer = await asyncio.open_connection(sock=client)
        connection = _Connection(self, reader, writer)
        if not self.online:  # went offline while the connection opened
            connection.close()
            return
        self._connections.add(connection)
        try:
            await connection.serve()
        finally:
            self._connections.discard(connection)


class _Connection:
    """One client: answers its commands, carries pushes and its own metering streams."""

    def __init__(
        self,
        receiver: SimulatedReceiver,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self._receiver = receiver
        self._reader = reader
        self._writer = writer
        self._decoder = FrameDecoder(ANGLE_FRAMING)
        self._write_lock = asyncio.Lock()
        self._meters: dict[int, asyncio.Task[None]] = {}
        self._pushes: set[asyncio.Task[None]] = set()

    async def serve(self) -> None:
        try:
            while data := await self._reader.read(READ_SIZE):
                commands = self._decoder.feed_with_errors(data)
                self._receiver.recent_commands.extend(c for c in commands if isinstance(c, Message))
                latency = self._receiver.behaviour.latency
                if commands and latency > 0:
                    await asyncio.sleep(latency)  # once per read, like a slow network
                for command in commands:
                    await self._answer(command)
        except ConnectionError:
            pass
        finally:
            self.close()

    def close(self, *, abort: bool = False) -> None:
        """Hang up: flush what is queued first, or with ``abort`` drop it (and reset)."""
        for task in [*self._meters.values(), *self._pushes]:
            task.cancel()
        self._meters.clear()
        if abort:
            self._writer.transport.abort()
        else:
            self._writer.close()

    def push(self, messages: Sequence[Message]) -> None:
        """Send unsolicited messages, unless the client has stopped reading."""
        if len(self._pushes) >= MAX_PENDING_PUSHES or self._writer.is_closing():
            return
        task = asyncio.create_task(self._send(messages, reply=False))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _answer(self, item: Message | ProtocolError) -> None:
        behaviour = self._receiver.behaviour
        if behaviour.silent:
            return
        replies = [ERR]
        if isinstance(item, Message) and not behaviour.reply_errors:
            try:
                replies = self._handle(item)
            except (CommandRejectedError, ProtocolError):
                replies = [ERR]
        if replies:
            await self._send(replies, reply=True)

    def _handle(self, command: Message) -> list[Message]:
        receiver = self._receiver
        if command.verb is Verb.GET and not command.values:
            return receiver.handle_get(command.channel, command.param)
        if command.verb is Verb.SET and command.param == "METER_RATE":
            return self._set_meter_rate(command.channel, command.value)
        if command.verb is Verb.SET and command.param == "CHAN_NAME":
            receiver.handle_set_name(command.channel, command.value)
            return []  # the change is pushed to every client, this one included
        raise CommandRejectedError

    def _set_meter_rate(self, channel: int | None, raw_rate: str) -> list[Message]:
        if channel is None or not raw_rate.isdigit() or len(raw_rate) > 5:
            raise CommandRejectedError
        rate = int(raw_rate)
        if 0 < rate < MIN_METER_RATE_MS:
            raise CommandRejectedError
        numbers = range(1, self._receiver.channel_count + 1) if channel == 0 else [channel]
        replies = []
        for number in numbers:
            self._receiver.handle_get(number, "CHAN_NAME")  # rejects a bad channel
            previous = self._meters.pop(number, None)
            if previous is not None:
                previous.cancel()
            if rate:
                self._meters[number] = asyncio.create_task(self._meter(number, rate / 1000))
            replies.append(Message(Verb.REP, number, "METER_RATE", (f"{rate:05d}",)))
        return replies

    async def _meter(self, channel: int, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self._send([self._receiver.sample(channel)], reply=False)

    async def _send(self, messages: Sequence[Message], *, reply: bool) -> None:
        behaviour = self._receiver.behaviour
        if behaviour.silent:
            return
        payload = self._receiver.garble([encode(m) for m in messages], behaviour.garbage)
        hang_up = reply and behaviour.close_mid_reply
        if hang_up:
            payload = payload[: len(payload) // 2]
        try:
            async with self._write_lock:
                await self._write(payload, split=behaviour.split_segments)
        except ConnectionError:
            hang_up = True
        if hang_up:
            self.close()

    async def _write(self, payload: bytes, *, split: bool) -> None:
        if self._writer.is_closing():
            return
        if not split:
            self._writer.write(payload)
            await self._writer.drain()
            return
        rng = self._receiver.rng
        position = 0
        while position < len(payload) and not self._writer.is_closing():
            size = rng.randint(1, SPLIT_MAX_BYTES)
            self._writer.write(payload[position : position + size])
            await self._writer.drain()
            await asyncio.sleep(SPLIT_PAUSE)
            position += size


def _check_name(name: str) -> None:
    if len(name) > NAME_WIDTH or not name.isprintable() or any(c in name for c in "{}<>"):
        raise CommandRejectedError(
            f"channel name {name!r} is not up to {NAME_WIDTH} printable characters"
        )


# ``receiver_spec`` and the spec types are re-exported: fleets are built from this module.
__all__ = [
    "Behaviour",
    "ChannelSpec",
    "CommandRejectedError",
    "GarbageMode",
    "ReceiverSpec",
    "SimulatedReceiver",
    "receiver_spec",
]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
