"""What a simulated receiver refuses: the error a client sees as ``REP ERR``, and bad names."""

from __future__ import annotations

RESERVED = "{}<>*"
"""Characters that frame or brace a message, so no name may hold them."""


class CommandRejectedError(ValueError):
    """A command or value the receiver refuses (a client gets ``REP ERR``)."""


def check_name(name: str, width: int) -> None:
    """A channel name or device ID must be 1-``width`` printable, unreserved characters."""
    if not name or len(name) > width or not name.isprintable():
        raise CommandRejectedError(f"name {name!r} is not 1-{width} printable characters")
    if any(c in name for c in RESERVED):
        raise CommandRejectedError(f"name {name!r} has a reserved character")
