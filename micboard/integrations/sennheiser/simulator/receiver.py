"""A simulated SSC receiver on its own UDP socket, with the faults a real network shows."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import Any

from micboard.integrations.sennheiser.codec import (
    Path,
    SscDecodeError,
    Value,
    decode_json,
    encode_message,
    nest,
)
from micboard.integrations.sennheiser.errors import NOT_FOUND
from micboard.integrations.sennheiser.families import IDENTITY, Family, Reading
from micboard.integrations.sennheiser.simulator.channel import Refused, SimulatedChannel
from micboard.integrations.sennheiser.simulator.subscriptions import (
    Subscriptions,
    leaves,
    merge,
    subscribe_entries,
)

GARBAGE = b"\x00\xffnot json"
DATAGRAM_SIZE = 8192


@dataclass
class Faults:
    """How the receiver misbehaves; every field can change while it runs."""

    silent: bool = False
    latency: float = 0.0
    lose_every: int = 0
    """Drop every n-th answer (0: none)."""
    loss: float = 0.0
    """Drop this share (0-1) of the answers at random."""
    lose_next: bool = False
    """Drop the next answer, once."""
    garbage: bool = False
    """Bytes that are not JSON instead of every answer."""
    garbage_around: bool = False
    """Bytes that are not JSON before every answer."""
    truncated: bool = False
    duplicate: bool = False
    """Every answer sent twice."""
    refuse_all: bool = False
    """Every address answered with error 404, as by firmware that lacks them all."""
    refuse: frozenset[Path] = frozenset()
    """These addresses answered with error 404, as by firmware that lacks them."""


_FAULT_NAMES = frozenset(f.name for f in fields(Faults))


class SimulatedReceiver:
    """Answers SSC gets for one model; ``start()`` binds ``host:port``, ``stop()`` closes."""

    def __init__(
        self,
        family: Family,
        channels: int,
        *,
        host: str = "127.0.0.1",
        port: int = 45,
        product: str = "",
        serial: str = "1454100930",
        version: str = "2.1.0",
        model: str = "",
        names: tuple[str, ...] = (),
        seed: int | str | None = None,
    ) -> None:
        self.family = family
        self.protocol = family.protocol
        """The driver protocol that reads this receiver, for registering it."""
        self.model = model or family.key
        self.channel_count = channels
        self.host = host
        self.port = port
        self.identity = {"product": product or family.key, "serial": serial, "version": version}
        self.device_id = serial
        self.channels = [
            SimulatedChannel(
                number=n, name=names[n - 1] if n <= len(names) else f"{family.key}-{n}"
            )
            for n in range(1, channels + 1)
        ]
        self._starting_names = tuple(c.name for c in self.channels)
        self.faults = Faults()
        self.online = True
        """``False``: nothing is answered, as by a receiver that is switched off."""
        self.rng = random.Random(seed)
        self.requests = 0
        self._routes = self._route_table()
        self.subscriptions = Subscriptions(self._reply, fills_defaults=family.key == "D6000")
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._answered = 0

    def _route_table(self) -> dict[Path, tuple[int, Reading] | str]:
        routes: dict[Path, tuple[int, Reading] | str] = {}
        for key, address in IDENTITY.items():
            routes[tuple(address.strip("/").split("/"))] = key
        for channel in self.channels:
            for reading, address in self.family.addresses(channel.number).items():
                routes[tuple(address.strip("/").split("/"))] = (channel.number, reading)
        if self.family.metering:
            routes[("mm",)] = "mm"
        return routes

    def start(self, avoid: Collection[int] = ()) -> SimulatedReceiver:
        """Bind ``host:port``; with port 0, a port the system assigns that is not in
        ``avoid`` (ports other receivers on this host hold over TCP)."""
        refused: list[socket.socket] = []
        try:
            while True:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sock.bind((self.host, self.port))
                if self.port or int(sock.getsockname()[1]) not in avoid:
                    break
                refused.append(sock)  # held open, so the next bind gets another port
        finally:
            for other in refused:
                other.close()
        self.port = int(sock.getsockname()[1])
        sock.settimeout(0.1)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name=f"ssc-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        sock, self._sock = self._sock, None
        if self._thread is not None:
            self._thread.join(timeout=2)
        if sock is not None:
            sock.close()

    def _serve(self) -> None:
        while (sock := self._sock) is not None:
            try:
                datagram, client = sock.recvfrom(DATAGRAM_SIZE)
            except TimeoutError:
                self._notify(sock)
                continue
            except OSError:
                return
            self.requests += 1
            answers = self.answer(datagram, client)
            if self.faults.latency and answers:
                args = (sock, answers, client, self.faults.latency)
                threading.Thread(target=_send_late, args=args, daemon=True).start()
            elif answers:
                _send_late(sock, answers, client, 0.0)
            self._notify(sock)

    def _notify(self, sock: socket.socket) -> None:
        """Send what subscriptions have due (nothing while offline or silent)."""
        for client, message in self.subscriptions.due(time.monotonic()):
            if self.online and not self.faults.silent:
                _send_late(sock, [encode_message(message)], client, 0.0)

    def answer(self, datagram: bytes, client: tuple[str, int] | None = None) -> list[bytes]:
        """The datagrams that answer one request (none when it goes unanswered); a
        subscription is remembered for ``client``."""
        faults = self.faults
        if faults.silent or not self.online or self._lost():
            return []
        if faults.garbage:
            return [GARBAGE]
        try:
            request = decode_json(datagram)
        except SscDecodeError:
            return []  # the guides do not say what a device answers to bytes that are not JSON
        if subscribe_entries(request) is not None:
            replies = self.subscriptions.subscribe(request, client, time.monotonic())
        else:
            replies = [self._reply(request)]
        encoded = [encode_message(reply) for reply in replies]
        if faults.truncated:
            encoded = [reply[: len(reply) // 2] for reply in encoded]
        if faults.duplicate:
            encoded = [reply for reply in encoded for _ in range(2)]
        return [GARBAGE, *encoded] if faults.garbage_around else encoded

    def _lost(self) -> bool:
        """Whether this answer is lost on the way (counting it as answered)."""
        faults = self.faults
        self._answered += 1
        if faults.lose_next:
            faults.lose_next = False
            return True
        every = faults.lose_every and self._answered % faults.lose_every == 0
        return bool(every) or (faults.loss > 0 and self.rng.random() < faults.loss)

    # Scenario controls: the same names as the Shure simulator's, safe from any thread.

    name_width = 8
    """SL MCR ``/rx1/name`` (11.63): "MAY be up to 8 characters"."""

    def configure(self, **switches: Any) -> None:
        """Set the fault switches this receiver has (``Faults``); a switch of another
        vendor's simulator (a TCP framing fault, a Shure firmware variation) changes nothing."""
        for name, value in switches.items():
            if name == "garbage" and not isinstance(value, bool):
                mode = str(getattr(value, "value", value))
                self.faults.garbage = mode == "only"
                self.faults.garbage_around = mode == "around"
                self.faults.truncated = mode == "truncated"
            elif name == "reply_errors":
                self.faults.refuse_all = bool(value)
            elif name == "lose_value":
                self.faults.lose_next = bool(value)
            elif name in _FAULT_NAMES:
                setattr(self.faults, name, value)

    @property
    def family_name(self) -> str:
        return self.family.name

    transport = "udp"

    def starting_name(self, channel: int) -> str:
        return self._starting_names[channel - 1]

    def starting_frequency(self, channel: int) -> int:
        return self.channels[channel - 1].frequency_khz

    def set_channel_name(self, channel: int, name: str) -> None:
        self.channels[channel - 1].name = name[: self.name_width]

    def set_frequency(self, channel: int, frequency_khz: int) -> None:
        """Kept, not served: no guide page read gives a frequency address (see the docs)."""
        self.channels[channel - 1].frequency_khz = frequency_khz

    def set_transmitter(self, channel: int, on: bool) -> None:
        self.channels[channel - 1].transmitter_on = on

    def set_rf_dropout(self, channel: int, dropout: bool) -> None:
        self.channels[channel - 1].rf_dropout = dropout

    def set_audio_peak(self, channel: int, peaking: bool) -> None:
        self.channels[channel - 1].audio_peaking = peaking

    def set_mute(self, channel: int, muted: bool) -> None:
        self.channels[channel - 1].muted = muted

    def drain(self, channel: int, minutes: float) -> None:
        """Run the battery down by ``minutes`` of a full charge's ``FULL_CHARGE_MINUTES``."""
        self.channels[channel - 1].discharge(minutes)

    def tick(self, drain_minutes: float) -> None:
        for channel in self.channels:
            if channel.transmitter_on and drain_minutes:
                channel.discharge(drain_minutes)

    def _reply(self, request: dict[str, object]) -> dict[str, object]:
        values: dict[str, object] = {}
        errors: list[dict[str, object]] = []
        for path in leaves(request, ()):
            result = self._value(path)
            if isinstance(result, Refused):
                errors.append(nest(path, [result.code]))
            else:
                merge(values, nest(path, result))
        if errors:
            values["osc"] = {"error": errors}
        return values

    def _value(self, path: Path) -> Value | Refused:
        route = self._routes.get(path)
        if route is None or self.faults.refuse_all or path in self.faults.refuse:
            return Refused(NOT_FOUND)
        if route == "mm":
            return [list[Value](channel.meter()) for channel in self.channels]
        if isinstance(route, str):
            return self.identity[route]
        number, reading = route
        return self.channels[number - 1].value(self.family, reading)


def _send_late(
    sock: socket.socket, answers: list[bytes], client: tuple[str, int], delay: float
) -> None:
    time.sleep(delay)
    with contextlib.suppress(OSError):  # stopped meanwhile
        for answer in answers:
            sock.sendto(answer, client)
