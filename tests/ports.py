"""Free loopback ports for processes a test starts."""

from __future__ import annotations

import random
import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_block(count: int, *, tries: int = 50) -> int:
    """The first of ``count`` consecutive ports that are free right now (TCP and UDP)."""
    rng = random.Random()
    for _ in range(tries):
        base = rng.randrange(20_000, 60_000 - count)
        if all(_bindable(base + offset) for offset in range(count)):
            return base
    raise RuntimeError(f"no block of {count} free ports found in {tries} tries")


def _bindable(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True
