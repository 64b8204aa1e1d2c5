"""Validation of receiver addresses, settings and names, with field-level error details.

``normalize_host`` is the one place an address gets its stored spelling, so the admin, the
API and ``micboard_simulate`` all see ``RX.EXAMPLE.`` and ``rx.example`` as one receiver.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from micboard.exceptions import ValidationError

_HOSTNAME_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_SCOPE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_POLL_INTERVAL = 3600
MAX_HOST_LENGTH = 253
# Unicode categories never allowed in a name: controls (BEL, ESC, newline), format
# characters (U+202E right-to-left override, zero-width joiners), line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def _normalize_ip(host: str) -> str | None:
    """The canonical spelling of an IP address, or None when ``host`` is not one.

    Leading zeros in a dotted quad are read as decimal (``010.020.030.040`` is
    ``10.20.30.40``); an IPv4-mapped IPv6 address is its IPv4 address.
    """
    if _DOTTED_QUAD.fullmatch(host):
        octets = [int(part) for part in host.split(".")]
        if any(octet > 255 for octet in octets):
            raise ValueError(f"{host!r} is not an IPv4 address")
        return ".".join(str(octet) for octet in octets)
    address, _, scope = host.partition("%")
    if ":" not in address:
        return None
    if "%" in host and not _SCOPE_ID.fullmatch(scope):
        raise ValueError(f"{scope!r} is not an interface name")
    parsed = ipaddress.IPv6Address(address)  # ValueError when it is not one
    if parsed.ipv4_mapped is not None and not scope:
        return str(parsed.ipv4_mapped)
    return f"{parsed}%{scope}" if scope else str(parsed)


def normalize_host(host: str) -> str:
    """``host`` as stored: an IP address in canonical form, or a lower-case host name
    without the trailing dot. Raises ``ValueError`` for anything else."""
    if not host or len(host) > MAX_HOST_LENGTH:
        raise ValueError(f"a host needs 1-{MAX_HOST_LENGTH} characters")
    address = _normalize_ip(host)
    if address is not None:
        return address
    name = host.lower()
    name = name[:-1] if name.endswith(".") else name
    labels = name.split(".")
    if not all(_HOSTNAME_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"{host!r} is not an IP address or host name")
    if labels[-1].isdigit():  # 999.999.999.999 or 1.2.3: no top-level domain is numeric
        raise ValueError(f"{host!r} is not an IP address or host name")
    return name


def is_valid_host(host: str) -> bool:
    try:
        normalize_host(host)
    except ValueError:
        return False
    return True


def text_problem(value: str) -> str:
    """Why ``value`` cannot be a name or title, or "" when it can."""
    for char in value:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return f"control or formatting character U+{ord(char):04X} is not allowed"
    return ""


def validate_text(**fields: str) -> None:
    """Raises ``ValidationError`` naming each field that holds a control character."""
    errors: dict[str, object] = {
        name: problem for name, value in fields.items() if (problem := text_problem(value))
    }
    if errors:
        raise ValidationError("invalid characters", details=errors)


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


MAX_RUNTIME_LEVEL_MINUTES = 1440


def validate_runtime_levels(*, replace_minutes: int | None, critical_minutes: int | None) -> None:
    """A venue's runtime levels: both or neither, 1-1440 minutes, CRITICAL below REPLACE."""
    if replace_minutes is None and critical_minutes is None:
        return
    details: dict[str, object] = {}
    for field, value in (
        ("battery_replace_minutes", replace_minutes),
        ("battery_critical_minutes", critical_minutes),
    ):
        if value is None:
            details[field] = "required when the other runtime level is set"
        elif not 1 <= value <= MAX_RUNTIME_LEVEL_MINUTES:
            details[field] = f"{value} is outside 1-{MAX_RUNTIME_LEVEL_MINUTES} minutes"
    ordered = (
        critical_minutes is None or replace_minutes is None or critical_minutes < replace_minutes
    )
    if not details and not ordered:
        details["battery_critical_minutes"] = (
            f"{critical_minutes} must be below the REPLACE level ({replace_minutes})"
        )
    if details:
        raise ValidationError("invalid battery runtime levels", details=details)
