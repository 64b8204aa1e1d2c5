"""Free loopback ports for processes a test starts."""

from __future__ import annotations

import random
import socket

_handed_out: set[int] = set()


def free_port(*, tries: int = 50) -> int:
    """A port free right now and not handed out before in this process.

    The kernel may give the same ephemeral port to two binds in a row once the
    first socket is closed; two receivers registered with it would clash.
    """
    for _ in range(tries):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no unused free port found in {tries} tries")


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
