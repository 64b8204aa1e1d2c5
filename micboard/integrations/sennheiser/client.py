"""One deadline-bounded SSC poll of a receiver over UDP.

Every address is asked in its own datagram; answers are matched to the questions by
address, so lost, duplicated or reordered datagrams do no harm. Whatever is unanswered
is sent again every ``retry_interval`` until the poll's deadline. An error reply
(``/osc/error``) answers its question with no value, so one address a receiver lacks never
fails a poll whose other values arrived; a refusal other than "transmitter not present" is
counted in the diagnostics with its address and code. The end of a subscription (310) is no
answer to a getter. Datagrams from other hosts are ignored; malformed ones are skipped and
counted.
"""

from __future__ import annotations

import socket
import time

from micboard.exceptions import DeviceTimeoutError, DeviceUnreachableError
from micboard.integrations.base import DeviceAddress, PollDiagnostics, ReceiverSnapshot
from micboard.integrations.sennheiser.codec import (
    Path,
    SscDecodeError,
    Value,
    decode_reply,
    encode_get,
    format_path,
    parse_path,
)
from micboard.integrations.sennheiser.errors import SUBSCRIPTION_ENDED, TX_NOT_PRESENT, describe
from micboard.integrations.sennheiser.families import IDENTITY, Family
from micboard.integrations.sennheiser.mapping import channel_snapshot

DATAGRAM_SIZE = 8192
MIN_RETRY_INTERVAL = 0.05
MAX_RETRY_INTERVAL = 0.5
RETRIES_PER_TIMEOUT = 5
METERING = ("mm",)


class SscPoll:
    """The questions of one poll and the answers collected so far."""

    def __init__(self, family: Family, channels: int) -> None:
        self.family = family
        self.channels = channels
        self.questions: set[Path] = {parse_path(a) for a in IDENTITY.values()}
        for number in range(1, channels + 1):
            self.questions.update(parse_path(a) for a in family.addresses(number).values())
        if family.metering:
            self.questions.add(METERING)
        self.answers: dict[Path, Value] = {}
        self.refused: dict[Path, int] = {}
        """Questions answered with an SSC error code instead of a value."""
        self.skipped = 0
        self.last_skipped = ""
        self.resent = 0

    def missing(self) -> list[Path]:
        return sorted(self.questions - self.answers.keys())

    def take(self, datagram: bytes) -> None:
        try:
            reply = decode_reply(datagram)
        except SscDecodeError as error:
            self.skipped += 1
            self.last_skipped = error.message
            return
        for path, value in reply.values.items():
            if path in self.questions:
                self.answers[path] = value
        for path, code in reply.errors.items():
            if path in self.questions and code != SUBSCRIPTION_ENDED:
                self.answers[path] = None
                self.refused[path] = code

    def unsupported(self) -> dict[Path, int]:
        """Refusals that are not the documented "transmitter not present" (424)."""
        return {p: c for p, c in sorted(self.refused.items()) if c != TX_NOT_PRESENT}

    def _skipped_reason(self) -> str:
        unsupported = self.unsupported()
        if not unsupported:
            return self.last_skipped
        shown = ", ".join(
            f"{format_path(p)} {describe(c)}" for p, c in list(unsupported.items())[:3]
        )
        more = f" and {len(unsupported) - 3} more" if len(unsupported) > 3 else ""
        return f"refused: {shown}{more}"

    def snapshot(self) -> ReceiverSnapshot:
        meters = self.answers.get(METERING)
        channels = []
        for number in range(1, self.channels + 1):
            values = {
                reading: self.answers.get(parse_path(address))
                for reading, address in self.family.addresses(number).items()
            }
            row = meters[number - 1] if isinstance(meters, list) and len(meters) >= number else None
            meter = row if isinstance(row, list) else None
            channels.append(channel_snapshot(self.family, number, values, meter))
        identity = {key: self.answers.get(parse_path(a)) for key, a in IDENTITY.items()}
        return ReceiverSnapshot(
            model=_text(identity["product"]),
            firmware=_text(identity["version"]),
            device_id=_text(identity["serial"]),
            channels=tuple(channels),
            diagnostics=PollDiagnostics(
                skipped_messages=self.skipped + len(self.unsupported()),
                last_skipped=self._skipped_reason(),
                resent_requests=self.resent,
                request_form="ssc-udp",
            ),
        )


def read_receiver(address: DeviceAddress, *, family: Family, channels: int) -> ReceiverSnapshot:
    """Ask every address of the receiver; raises ``DeviceError`` unless all are answered."""
    poll = SscPoll(family, channels)
    endpoint = f"{address.host}:{address.port}"
    deadline = time.monotonic() + address.timeout
    retry = min(MAX_RETRY_INTERVAL, max(MIN_RETRY_INTERVAL, address.timeout / RETRIES_PER_TIMEOUT))
    kind, target = _resolve(address, endpoint)
    with socket.socket(kind, socket.SOCK_DGRAM) as sock:
        first = True
        while poll.missing():
            now = time.monotonic()
            if now >= deadline:
                missing = ", ".join(format_path(p) for p in poll.missing()[:5])
                raise DeviceTimeoutError(
                    f"{endpoint} left {len(poll.missing())} SSC questions unanswered "
                    f"within {address.timeout:g} s ({missing})"
                )
            for path in poll.missing():
                poll.resent += 0 if first else 1
                _send(sock, encode_get(path), target, endpoint)
            first = False
            _receive(sock, poll, target[0], min(deadline, now + retry))
    return poll.snapshot()


def _resolve(address: DeviceAddress, endpoint: str) -> tuple[socket.AddressFamily, tuple[str, int]]:
    try:
        (kind, _, _, _, sockaddr), *_ = socket.getaddrinfo(
            address.host, address.port, type=socket.SOCK_DGRAM
        )
    except OSError as error:
        raise DeviceUnreachableError(f"cannot reach {endpoint}: {error}") from None
    return kind, (str(sockaddr[0]), int(sockaddr[1]))


def _send(sock: socket.socket, datagram: bytes, target: tuple[str, int], endpoint: str) -> None:
    try:
        sock.sendto(datagram, target)
    except OSError as error:
        raise DeviceUnreachableError(f"cannot send to {endpoint}: {error}") from None


def _receive(sock: socket.socket, poll: SscPoll, host: str, until: float) -> None:
    while poll.missing():
        wait = until - time.monotonic()
        if wait <= 0:
            return
        sock.settimeout(wait)
        try:
            datagram, sender = sock.recvfrom(DATAGRAM_SIZE)
        except TimeoutError:
            return
        except OSError:
            continue  # an ICMP error for an earlier datagram: keep listening until the deadline
        if sender[0] == host:
            poll.take(datagram)


def _text(value: Value) -> str:
    return value if isinstance(value, str) else ""
