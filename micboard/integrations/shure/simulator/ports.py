"""Free UDP port numbers that no TCP receiver of the fleet already uses."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Collection


def distinct_free_ports(host: str, count: int, *, avoid: Collection[int]) -> list[int]:
    """``count`` different UDP ports free on ``host``, none of them in ``avoid``.

    Every port the OS hands out stays bound until the end, so it cannot hand out the same
    one twice: each bind yields a new port, and the pass ends after at most
    ``count + len(avoid)`` binds (or raises ``OSError`` when the OS has no port left).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    held: list[socket.socket] = []
    chosen: list[int] = []
    try:
        while len(chosen) < count:
            sock = socket.socket(family, socket.SOCK_DGRAM)
            held.append(sock)
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
            if port not in avoid:
                chosen.append(port)
    finally:
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()
    return chosen
