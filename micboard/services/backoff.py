"""How long an unreachable receiver waits before the next try."""

from __future__ import annotations


def backoff_seconds(*, poll_interval: int, failures: int, cap: int) -> int:
    """Doubles with each consecutive failure, from the poll interval up to ``cap``."""
    if failures <= 1:
        return poll_interval
    exponent = min(failures - 1, 16)
    return max(poll_interval, min(poll_interval * (1 << exponent), cap))
