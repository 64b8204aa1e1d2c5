"""A deadline-bounded UDP request/response exchange with one UHF-R receiver.

Every request goes out as its own datagram. Datagrams may be lost, duplicated or
reordered: answers are matched by value, not by order, duplicates simply overwrite, and
whatever is still unanswered is sent again every ``retry_interval`` until the deadline.
Each datagram is decoded on its own, so a truncated one cannot spoil the next.

No Shure document fixes the reply path: an answer is taken from the receiver's address on
any source port (one UR4D implementation expects them from port 27625, not 2202), and
datagrams from other addresses are ignored. The socket is not connected, so the kernel's
"port unreachable" comes through ``IP_RECVERR`` where the platform has it.
"""

from __future__ import annotations

import socket
import sys
import time

from micboard.exceptions import DeviceError, DeviceUnreachableError
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.shure.client.conversation import Conversation

DATAGRAM_SIZE = 2048
MIN_RETRY_INTERVAL = 0.05
MAX_RETRY_INTERVAL = 0.5
RETRIES_PER_TIMEOUT = 5
LINUX_IP_RECVERR = 11
LINUX_IPV6_RECVERR = 25
"""``<linux/in.h>``, ``<linux/in6.h>``: Python's socket module does not name them."""


class UdpConversation(Conversation):
    def prepare(self) -> None:
        timeout = self.address.timeout
        self.retry_interval = min(
            MAX_RETRY_INTERVAL, max(MIN_RETRY_INTERVAL, timeout / RETRIES_PER_TIMEOUT)
        )
        self.rounds = 0

    def run(self) -> ReceiverSnapshot:
        family, target = self._resolve()
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            _report_unreachable(sock, family)
            while not self.reply.complete:
                self._send_missing(sock, target)
                self._receive_until_resend(sock, target[0])
        return self.result()

    def _resolve(self) -> tuple[socket.AddressFamily, tuple[str, int]]:
        """The receiver's socket address (its IP, so replies can be told apart by sender)."""
        try:
            (kind, _, _, _, sockaddr), *_ = socket.getaddrinfo(
                self.address.host, self.address.port, type=socket.SOCK_DGRAM
            )
        except OSError as error:
            raise self.error(
                DeviceUnreachableError, f"cannot reach {self.endpoint}: {error.strerror or error}"
            ) from None
        return kind, (str(sockaddr[0]), int(sockaddr[1]))

    def _send_missing(self, sock: socket.socket, target: tuple[str, int]) -> None:
        self.rounds += 1
        for command in self.reply.missing():
            self.sent.append(command)
            try:
                sock.sendto(self.family.dialect.encode(command), target)
            except ConnectionRefusedError:
                raise self._refused() from None
            except OSError as error:
                raise self.error(
                    DeviceUnreachableError,
                    f"cannot send to {self.endpoint}: {error.strerror or error}",
                ) from None

    def _receive_until_resend(self, sock: socket.socket, host: str) -> None:
        """Read datagrams until the reply is complete or it is time to send again."""
        round_ends = min(self.deadline, _now() + self.retry_interval)
        while not self.reply.complete:
            wait = round_ends - _now()
            if wait <= 0:
                self.remaining()  # raises once the whole deadline has passed
                return
            sock.settimeout(wait)
            try:
                datagram, sender = sock.recvfrom(DATAGRAM_SIZE)
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                raise self._refused() from None
            except OSError as error:
                raise self.error(
                    DeviceUnreachableError,
                    f"receiving from {self.endpoint} failed: {error.strerror or error}",
                ) from None
            if sender[0] != host:
                continue  # not from the receiver
            messages = self.decoder.feed(datagram)
            self.decoder.flush()
            self.absorb(messages)

    def timeout(self, note: str = "") -> DeviceError:
        return super().timeout(f"{note}, {self.rounds} send round(s)")

    def _refused(self) -> DeviceError:
        return self.error(
            DeviceUnreachableError, f"{self.endpoint} refused the datagrams (port unreachable)"
        )


def _report_unreachable(sock: socket.socket, family: socket.AddressFamily) -> None:
    """Have the kernel's ICMP "port unreachable" raise on an unconnected socket (Linux)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere a refused receiver shows as a timeout
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, LINUX_IPV6_RECVERR, 1)
    else:
        sock.setsockopt(socket.IPPROTO_IP, LINUX_IP_RECVERR, 1)


def _now() -> float:
    return time.monotonic()
