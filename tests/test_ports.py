"""The loopback ports tests hand to the processes they start."""

from __future__ import annotations

import socket

from tests.ports import free_port, free_port_block


def test_free_port_never_hands_out_the_same_port_twice() -> None:
    ports = [free_port() for _ in range(200)]

    assert len(set(ports)) == len(ports)


def test_free_port_is_bindable() -> None:
    port = free_port()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_free_port_block_is_consecutive_and_bindable() -> None:
    base = free_port_block(3)

    for offset in range(3):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", base + offset))
