"""The random loopback blocks tests start receivers on, and the retry on a taken address."""

from __future__ import annotations

import errno
import random
from ipaddress import IPv4Address, IPv4Network

import pytest

from micboard.simulator.addresses import HostRange
from tests.loopback import TRIES, on_free_hosts, random_hosts


def test_blocks_are_consecutive_inside_loopback_away_from_127_0() -> None:
    rng = random.Random(1)
    for _ in range(200):
        hosts = random_hosts(300, rng)
        assert hosts.last is not None
        assert int(hosts.last) - int(hosts.first) == 299
        assert hosts.first >= IPv4Address("127.1.0.0")
        assert hosts.last in IPv4Network("127.0.0.0/8")


def test_a_taken_block_is_left_for_another_one() -> None:
    tried: list[HostRange] = []

    def start(hosts: HostRange) -> str:
        tried.append(hosts)
        if len(tried) < 3:
            raise OSError(errno.EADDRINUSE, "Address already in use")
        return "started"

    assert on_free_hosts(4, start) == "started"
    assert len(set(tried)) == 3


def test_other_errors_and_the_last_try_are_raised() -> None:
    def refuse(hosts: HostRange) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    def taken(hosts: HostRange) -> None:
        calls.append(hosts)
        raise OSError(errno.EADDRINUSE, "Address already in use")

    calls: list[HostRange] = []
    with pytest.raises(OSError, match="Permission denied"):
        on_free_hosts(1, refuse)
    with pytest.raises(OSError, match="in use"):
        on_free_hosts(1, taken)
    assert len(calls) == TRIES
