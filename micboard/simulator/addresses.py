"""One address per receiver at the device port, as on a venue LAN.

From a range of hosts (``127.0.0.2-127.0.0.200``, or ``127.0.0.2`` and on) or a list
(``127.0.0.2``, ``127.0.0.9:2203``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from ipaddress import IPv4Address

DEVICE_PORT = 2202
"""Where Shure receivers listen (TCP, and UDP for UHF-R)."""
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
LOOPBACK_HOSTS = (IPv4Address("127.0.0.1"), IPv4Address("127.255.255.254"))
"""Linux routes all of 127.0.0.0/8 to ``lo``: every address between these binds at once."""


@dataclass(frozen=True, slots=True)
class HostRange:
    """Consecutive IPv4 addresses from ``first``, up to ``last`` (``None``: as many as
    the receivers need)."""

    first: IPv4Address
    last: IPv4Address | None = None

    def __str__(self) -> str:
        return f"{self.first}-{self.last}" if self.last else f"{self.first}"


@dataclass(frozen=True, slots=True)
class HostList:
    """Addresses in receiver order; a ``None`` port is the shared port."""

    entries: tuple[tuple[str, int | None], ...]


HostPlan = HostRange | HostList


def parse_host_range(text: str) -> HostRange:
    """``FIRST-LAST`` or ``FIRST``; raises ``ValueError`` with the reason."""
    first_text, dash, last_text = text.strip().partition("-")
    first = _ipv4(first_text)
    last = _ipv4(last_text) if dash else None
    if last is not None and last < first:
        raise ValueError(f"{text!r}: the range ends before it starts")
    return HostRange(first, last)


def parse_address(text: str) -> tuple[str, int | None]:
    """``HOST`` or ``HOST:PORT`` (an IPv4 address); raises ``ValueError``."""
    host, colon, port_text = text.strip().partition(":")
    port = parse_port(port_text) if colon else None
    return str(_ipv4(host)), port


def parse_port(text: str | int) -> int:
    if isinstance(text, bool) or not str(text).strip().isdigit():
        raise ValueError(f"port {text!r} is not a number")
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not 1-65535")
    return port


def assign_addresses(plan: HostPlan, count: int, port: int = DEVICE_PORT) -> list[tuple[str, int]]:
    """``count`` addresses taken in order from ``plan``; raises ``ValueError`` when it holds
    too few, leaves 127.0.0.0/8 part way, or gives two receivers one address."""
    if isinstance(plan, HostList):
        if len(plan.entries) < count:
            raise ValueError(f"lists {len(plan.entries)} addresses for {count} receivers")
        addresses = [(host, own or port) for host, own in plan.entries[:count]]
        _check_distinct(addresses)
        return addresses
    last = plan.last or _last_usable(plan.first)
    size = int(last) - int(plan.first) + 1
    if size < count:
        raise ValueError(
            f"holds {size} addresses ({plan.first}-{last}), not enough for {count} receivers"
        )
    if plan.first in LOOPBACK and (count and plan.first + (count - 1) > LOOPBACK_HOSTS[1]):
        raise ValueError(f"{plan} runs past {LOOPBACK_HOSTS[1]}, the last loopback address")
    return [(str(plan.first + offset), port) for offset in range(count)]


def _ipv4(text: str) -> IPv4Address:
    try:
        address = IPv4Address(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not an IPv4 address like 127.0.0.2") from None
    if address.is_unspecified or address == LOOPBACK.network_address:
        raise ValueError(f"{address} is not an address a receiver can listen on")
    return address


def _last_usable(first: IPv4Address) -> IPv4Address:
    return LOOPBACK_HOSTS[1] if first in LOOPBACK else IPv4Address("255.255.255.254")


def _check_distinct(addresses: list[tuple[str, int]]) -> None:
    seen: dict[tuple[str, int], int] = {}
    for index, address in enumerate(addresses):
        earlier = seen.setdefault(address, index)
        if earlier != index:
            host, port = address
            raise ValueError(f"receivers {earlier} and {index} are both at {host}:{port}")
