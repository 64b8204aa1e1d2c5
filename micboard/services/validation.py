"""Validation of receiver addresses and settings, with field-level error details."""

from __future__ import annotations

import ipaddress
import re

from micboard.exceptions import ValidationError

_HOSTNAME_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
MAX_POLL_INTERVAL = 3600


def is_valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    if not host or len(host) > 253:
        return False
    return all(_HOSTNAME_LABEL.match(label) for label in host.rstrip(".").split("."))


def validate_address(*, host: str, port: int, poll_interval: int) -> None:
    errors: dict[str, object] = {}
    if not is_valid_host(host):
        errors["host"] = f"{host!r} is not an IP address or host name"
    if not 1 <= port <= 65535:
        errors["port"] = f"{port} is not a TCP/UDP port (1-65535)"
    if not 1 <= poll_interval <= MAX_POLL_INTERVAL:
        errors["poll_interval"] = f"{poll_interval} s is outside 1-{MAX_POLL_INTERVAL} s"
    if errors:
        raise ValidationError("invalid receiver settings", details=errors)
