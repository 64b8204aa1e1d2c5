"""A blocking, deadline-bounded conversation with one ULX-D / QLX-D receiver.

One poll: connect, send ``< GET 0 ALL >`` then ``< GET MODEL >``, read until every
requested channel's required values and then the answer to ``GET MODEL`` have arrived,
close. The device answers in order, so that last MODEL marks the end of the ``ALL`` reply
and no value still in flight is cut off. The whole conversation, connect included, fits
in ``DeviceAddress.timeout``. The client never sends ``METER_RATE``, so it can never
leave metering switched on behind it (QLX-D firmware can lock up when that happens);
values pushed by the device on its own (REPs on change, SAMPLEs another client asked for)
are taken as the newest.
"""

from __future__ import annotations

import socket
import time

from micboard.exceptions import (
    DeviceError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
    ValidationError,
)
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.codec import FrameDecoder, Message, Verb, encode, unquote
from micboard.integrations.shure.values import (
    METER_PARAMS,
    MODELS,
    REQUIRED_CHANNEL_PARAMS,
    channel_snapshot,
)

READ_SIZE = 4096
GET_ALL = Message(Verb.GET, 0, "ALL")
GET_MODEL = Message(Verb.GET, None, "MODEL")
REQUEST = (GET_ALL, GET_MODEL)
DEVICE_PARAMS = frozenset({"MODEL", "FW_VER", "DEVICE_ID"})
CHANNEL_PARAMS = frozenset({*REQUIRED_CHANNEL_PARAMS, *METER_PARAMS, "TX_OFFSET"})


def read_receiver(address: DeviceAddress, *, channels: int) -> ReceiverSnapshot:
    """Poll one receiver; raises a ``DeviceError`` subclass rather than return less."""
    return _Conversation(address, channels).run()


class ReplyCollector:
    """The newest raw value of every parameter a receiver has reported so far."""

    def __init__(self, channels: int) -> None:
        if channels < 1:
            raise ValidationError(f"a receiver has at least one channel, not {channels}")
        self.channels = channels
        self.device: dict[str, str] = {}
        self.channel_values: dict[int, dict[str, str]] = {n: {} for n in range(1, channels + 1)}
        self._ended = False

    def add(self, message: Message) -> None:
        """Take in one message; raises ``ProtocolError`` for ``REP ERR`` or a bad SAMPLE."""
        if message.verb is Verb.SAMPLE:
            self._add_sample(message)
        elif message.verb is Verb.REP:
            self._add_report(message)

    @property
    def complete_channels(self) -> int:
        return sum(
            all(param in values for param in REQUIRED_CHANNEL_PARAMS)
            for values in self.channel_values.values()
        )

    @property
    def complete(self) -> bool:
        """A MODEL arrived after every channel was complete: the ``ALL`` reply is over."""
        return self._ended

    def snapshot(self) -> ReceiverSnapshot:
        """Decode everything collected; raises ``ProtocolError`` if incomplete or malformed."""
        if not self.complete:
            raise ProtocolError(f"incomplete reply ({self.progress()})")
        return ReceiverSnapshot(
            model=unquote(self.device["MODEL"]),
            firmware=unquote(self.device.get("FW_VER", "")),
            device_id=unquote(self.device.get("DEVICE_ID", "")),
            channels=tuple(
                channel_snapshot(number, values)
                for number, values in sorted(self.channel_values.items())
            ),
        )

    def progress(self) -> str:
        text = f"got {self.complete_channels} of {self.channels} channels"
        if "MODEL" not in self.device:
            return f"{text}, no MODEL"
        return text if self.complete_channels < self.channels else f"{text}, not the reply's end"

    def _add_report(self, message: Message) -> None:
        if message.param == "ERR":
            request = " ".join(_text(command) for command in REQUEST)
            raise ProtocolError(f"answered {_text(message)} to {request}")
        if message.channel in (None, 0):
            if message.param in DEVICE_PARAMS:
                self.device[message.param] = message.value
                if message.param == "MODEL":
                    self._check_model(message.value)
                    self._ended = self.complete_channels == self.channels
        elif message.channel in self.channel_values and message.param in CHANNEL_PARAMS:
            self.channel_values[message.channel][message.param] = message.value

    def _add_sample(self, message: Message) -> None:
        if message.param != "ALL" or len(message.values) != len(METER_PARAMS):
            raise ProtocolError(f"malformed metering sample {_text(message)}")
        if message.channel in self.channel_values:
            self.channel_values[message.channel].update(
                zip(METER_PARAMS, message.values, strict=True)
            )

    def _check_model(self, raw_model: str) -> None:
        model = MODELS.get(unquote(raw_model).upper())
        if model is not None and model.channels < self.channels:
            raise ProtocolError(
                f"is a {model.name} with {model.channels} channel(s), "
                f"but {self.channels} were asked for"
            )


class _Conversation:
    def __init__(self, address: DeviceAddress, channels: int) -> None:
        self.address = address
        self.endpoint = (
            f"[{address.host}]:{address.port}"
            if ":" in address.host
            else f"{address.host}:{address.port}"
        )
        self.deadline = time.monotonic() + address.timeout
        self.decoder = FrameDecoder()
        self.reply = ReplyCollector(channels)

    def run(self) -> ReceiverSnapshot:
        with self._connect() as sock:
            self._send(sock, b"".join(encode(command) for command in REQUEST))
            while not self.reply.complete:
                self._absorb(self._receive(sock))
        try:
            return self.reply.snapshot()
        except ProtocolError as error:
            raise self._error(ProtocolError, f"{self.endpoint} {error.message}") from error

    def _connect(self) -> socket.socket:
        host, port = self.address.host, self.address.port
        try:
            return socket.create_connection((host, port), timeout=self._remaining())
        except TimeoutError:
            raise self._error(
                DeviceTimeoutError,
                f"could not connect to {self.endpoint} within {self.address.timeout} s",
            ) from None
        except ConnectionRefusedError:
            raise self._error(
                DeviceUnreachableError, f"{self.endpoint} refused the connection"
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise self._error(
                DeviceUnreachableError, f"cannot reach {self.endpoint}: {reason}"
            ) from None

    def _send(self, sock: socket.socket, data: bytes) -> None:
        try:
            sock.settimeout(self._remaining())
            sock.sendall(data)
        except TimeoutError:
            raise self._timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None

    def _receive(self, sock: socket.socket) -> bytes:
        try:
            sock.settimeout(self._remaining())
            data = sock.recv(READ_SIZE)
        except TimeoutError:
            raise self._timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None
        if not data:
            raise self._closed("was closed by the device")
        return data

    def _absorb(self, data: bytes) -> None:
        for message in self.decoder.feed(data):
            try:
                self.reply.add(message)
            except ProtocolError as error:
                raise self._error(ProtocolError, f"{self.endpoint} {error.message}") from None

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout()
        return remaining

    def _timeout(self) -> DeviceError:
        if self.decoder.messages_decoded == 0 and self.decoder.discarded_bytes:
            return self._error(
                ProtocolError,
                f"{self.endpoint} answered only garbage within {self.address.timeout} s"
                f"{self._garbage_note()}",
            )
        return self._error(
            DeviceTimeoutError,
            f"no complete reply from {self.endpoint} within {self.address.timeout} s "
            f"({self.reply.progress()}){self._garbage_note()}",
        )

    def _closed(self, reason: str) -> DeviceError:
        return self._error(
            ProtocolError,
            f"connection to {self.endpoint} {reason} before a complete reply "
            f"({self.reply.progress()}){self._garbage_note()}",
        )

    def _garbage_note(self) -> str:
        decoder = self.decoder
        if not decoder.discarded_bytes:
            return ""
        note = (
            f"; skipped {decoder.discarded_bytes} bytes of garbage "
            f"and {decoder.malformed_frames} malformed frames"
        )
        return f"{note} (last: {decoder.errors[-1].message})" if decoder.errors else note

    def _error(self, kind: type[DeviceError], message: str) -> DeviceError:
        details: dict[str, object] = {"host": self.address.host, "port": self.address.port}
        return kind(message, details=details)


def _text(message: Message) -> str:
    return encode(message).decode("latin-1")
