"""Loopback addresses of their own for receivers a test starts at one port (2202).

Linux routes all of 127.0.0.0/8 to ``lo``. Each test run draws its block at random from
127.1.0.0-127.254.255.255, and starting again on another block when one is taken keeps
parallel runs on this machine apart.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Callable
from ipaddress import IPv4Address
from typing import TypeVar

from micboard.simulator.addresses import HostRange

T = TypeVar("T")
TRIES = 8


def random_hosts(count: int, rng: random.Random | None = None) -> HostRange:
    """``count`` consecutive addresses starting at a random 127.N.M.K (N from 1)."""
    rng = rng or random.Random()
    first = int(IPv4Address("127.1.0.0")) + rng.randrange(0, 254 * 65536 - count)
    return HostRange(IPv4Address(first), IPv4Address(first + count - 1))


def on_free_hosts(count: int, start: Callable[[HostRange], T], *, tries: int = TRIES) -> T:
    """``start(hosts)`` on a random block, again on another one while an address is in use."""
    for _ in range(tries - 1):
        try:
            return start(random_hosts(count))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    return start(random_hosts(count))
