"""A blocking, deadline-bounded TCP conversation with one receiver.

One poll: connect, send the request of the receiver's form, read until the reply is
complete (or the device closes the connection once every value is in), close; every
command ends with CR LF. Under the ``ALL`` form the end marker's
answer shows at once what the ``GET ALL`` answers left out: each missing value is asked
for with one ``GET``, or, when the device ignored ``GET ALL`` altogether, the poll falls
back to the ``PARAM`` form in the same conversation. When nothing arrives for a while,
what is still missing is asked for again. The whole conversation, connect included, fits
in ``DeviceAddress.timeout``. The client never sends ``METER_RATE``, so it can never
leave metering switched on behind it (QLX-D firmware can lock up when that happens);
values pushed by the device on its own are taken as the newest.
"""

from __future__ import annotations

import socket
import time

from micboard.exceptions import (
    DeviceError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
)
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.shure.client.conversation import Conversation
from micboard.integrations.shure.codec import Message
from micboard.integrations.shure.families import RequestForm

READ_SIZE = 4096
COMMAND_END = b"\r\n"
MIN_QUIET = 0.05
MAX_QUIET = 0.5
QUIETS_PER_TIMEOUT = 4
MAX_ASK_AGAIN = 3


class TcpConversation(Conversation):
    def prepare(self) -> None:
        timeout = self.address.timeout
        self.quiet = min(MAX_QUIET, max(MIN_QUIET, timeout / QUIETS_PER_TIMEOUT))
        """Seconds without a byte after which what is missing is asked for again."""
        self.asked_again = 0
        self._last_activity = time.monotonic()
        self._round_end: tuple[Message, int] | None = None
        """The last request of the latest round, and its value's reports before it."""

    def run(self) -> ReceiverSnapshot:
        with self._connect() as sock:
            self._send(sock, self.reply.request())
            while not self._done():
                data = self._receive(sock)
                if data is None:
                    if self.reply.values_complete:
                        break  # quiet with every value in: nothing is still on its way
                    if self.asked_again < MAX_ASK_AGAIN:
                        self._ask_again(sock, fallback=False)
                    continue
                if not data:  # the device closed the connection
                    if self.reply.values_complete:
                        break  # after every value: only the end marker's answer is lost
                    raise self._closed("was closed by the device")
                self.absorb(self.decoder.feed(data))
                self._follow_up(sock)
        return self.result()

    def _done(self) -> bool:
        return self.reply.complete or (self.asked_again > 0 and self.reply.values_complete)

    def _follow_up(self, sock: socket.socket) -> None:
        """Act on the answer to a round's last request (the device answers in order, so
        whatever is still missing then was lost), or on every request refused."""
        reply = self.reply
        if reply.values_complete or self.asked_again >= MAX_ASK_AGAIN:
            return
        if reply.form is RequestForm.ALL and not self.asked_again:
            if self.refused_everything or reply.marker_answered:
                self._ask_again(sock, fallback=not reply.answered_get_all)
        elif (
            self._round_end is not None
            and reply.reports_of(self._round_end[0]) > (self._round_end[1])
        ):
            self._ask_again(sock, fallback=False)

    def _ask_again(self, sock: socket.socket, *, fallback: bool) -> None:
        """Fall back to ``PARAM`` (the device answered around ``GET ALL``, never to it), or
        ask for what is missing. Silence alone never changes the form: a slow device is
        not one without ``GET ALL``."""
        reply = self.reply
        self.asked_again += 1
        if fallback:
            reply.form = RequestForm.PARAM
            self._send(sock, reply.request())
            return
        missing = reply.missing()
        self.resent += len(missing)
        self._send(sock, missing)

    def _connect(self) -> socket.socket:
        host, port = self.address.host, self.address.port
        try:
            return socket.create_connection((host, port), timeout=self.remaining())
        except TimeoutError:
            raise self.error(
                DeviceTimeoutError,
                f"could not connect to {self.endpoint} within {self.address.timeout} s",
            ) from None
        except ConnectionRefusedError:
            raise self.error(
                DeviceUnreachableError, f"{self.endpoint} refused the connection"
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise self.error(
                DeviceUnreachableError, f"cannot reach {self.endpoint}: {reason}"
            ) from None

    def _send(self, sock: socket.socket, commands: list[Message]) -> None:
        encode = self.family.dialect.encode
        data = b"".join(encode(command) + COMMAND_END for command in commands)
        self.sent.extend(commands)
        last = commands[-1] if commands else None
        self._round_end = None if last is None else (last, self.reply.reports_of(last))
        self._last_activity = time.monotonic()
        try:
            sock.settimeout(self.remaining())
            sock.sendall(data)
        except TimeoutError:
            raise self.timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None

    def _receive(self, sock: socket.socket) -> bytes | None:
        """The next bytes (none: the device closed the connection), or ``None`` once nothing
        arrived for ``quiet`` seconds."""
        quiet_left = self._last_activity + self.quiet - time.monotonic()
        remaining = self.remaining()
        try:
            sock.settimeout(max(0.001, min(remaining, quiet_left)))
            data = sock.recv(READ_SIZE)
            _ack_at_once(sock)
        except TimeoutError:
            if quiet_left < remaining:
                self._last_activity = time.monotonic()
                return None
            raise self.timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None
        self._last_activity = time.monotonic()
        return data

    def _closed(self, reason: str) -> DeviceError:
        return self.error(
            ProtocolError,
            f"connection to {self.endpoint} {reason} before a complete reply "
            f"({self.reply.progress()}){self.garbage_note()}",
        )


def _ack_at_once(sock: socket.socket) -> None:
    """Acknowledge what arrived now, not after the delayed-ACK pause (Linux): a device that
    writes each report on its own otherwise waits for our ACK before the next (Nagle)."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)
