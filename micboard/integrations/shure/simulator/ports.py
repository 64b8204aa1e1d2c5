"""UDP sockets bound to an address: a receiver's own, or one holding a port number.

A held number cannot be handed out by the OS while a fleet picks its ports.
"""

from __future__ import annotations

import socket


def bound_udp_socket(host: str, port: int) -> socket.socket:
    """A UDP socket bound to ``host:port`` (0: the OS picks); raises ``OSError``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def hold_udp_port(host: str, port: int) -> list[socket.socket]:
    """A socket bound to UDP ``host:port`` (to close when done), or none when something
    else holds the port already, which keeps it from being handed out just as well."""
    try:
        return [bound_udp_socket(host, port)]
    except OSError:
        return []
