"""Holding a UDP port number, so the OS cannot hand it out while a fleet picks ports."""

from __future__ import annotations

import socket


def hold_udp_port(host: str, port: int) -> list[socket.socket]:
    """A socket bound to UDP ``host:port`` (to close when done), or none when something
    else holds the port already, which keeps it from being handed out just as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        return []
    return [sock]
