"""A deadline-bounded UDP request/response exchange with one UHF-R receiver.

Every request goes out as its own datagram. Datagrams may be lost, duplicated or
reordered: answers are matched by value, not by order, duplicates simply overwrite, and
whatever is still unanswered is sent again every ``retry_interval`` until the deadline.
Each datagram is decoded on its own, so a truncated one cannot spoil the next.
"""

from __future__ import annotations

import socket
import time

from micboard.exceptions import DeviceError, DeviceUnreachableError
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client.conversation import Conversation
from micboard.integrations.shure.families import Family

DATAGRAM_SIZE = 2048
MIN_RETRY_INTERVAL = 0.05
MAX_RETRY_INTERVAL = 0.5
RETRIES_PER_TIMEOUT = 5


class UdpConversation(Conversation):
    def __init__(self, address: DeviceAddress, family: Family, channels: int) -> None:
        super().__init__(address, family, channels)
        self.retry_interval = min(
            MAX_RETRY_INTERVAL, max(MIN_RETRY_INTERVAL, address.timeout / RETRIES_PER_TIMEOUT)
        )
        self.rounds = 0

    def run(self) -> ReceiverSnapshot:
        family = socket.AF_INET6 if ":" in self.address.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect((self.address.host, self.address.port))
            except OSError as error:
                raise self.error(
                    DeviceUnreachableError,
                    f"cannot reach {self.endpoint}: {error.strerror or error}",
                ) from None
            while not self.reply.complete:
                self._send_missing(sock)
                self._receive_until_resend(sock)
        return self.result()

    def _send_missing(self, sock: socket.socket) -> None:
        self.rounds += 1
        for command in self.reply.missing():
            try:
                sock.send(self.family.dialect.encode(command))
            except ConnectionRefusedError:
                raise self._refused() from None
            except OSError as error:
                raise self.error(
                    DeviceUnreachableError,
                    f"cannot send to {self.endpoint}: {error.strerror or error}",
                ) from None

    def _receive_until_resend(self, sock: socket.socket) -> None:
        """Read datagrams until the reply is complete or it is time to send again."""
        round_ends = min(self.deadline, _now() + self.retry_interval)
        while not self.reply.complete:
            wait = round_ends - _now()
            if wait <= 0:
                self.remaining()  # raises once the whole deadline has passed
                return
            sock.settimeout(wait)
            try:
                datagram = sock.recv(DATAGRAM_SIZE)
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                raise self._refused() from None
            except OSError as error:
                raise self.error(
                    DeviceUnreachableError,
                    f"receiving from {self.endpoint} failed: {error.strerror or error}",
                ) from None
            messages = self.decoder.feed(datagram)
            self.decoder.flush()
            self.absorb(messages)

    def timeout(self, note: str = "") -> DeviceError:
        return super().timeout(f"{note}, {self.rounds} send round(s)")

    def _refused(self) -> DeviceError:
        return self.error(
            DeviceUnreachableError, f"{self.endpoint} refused the datagrams (port unreachable)"
        )


def _now() -> float:
    return time.monotonic()
