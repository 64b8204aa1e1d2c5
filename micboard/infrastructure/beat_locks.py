"""Beat's locks by what they guard: the leader lease, and each venue's dispatch in the queue.

The scheduler and the worker's revoked-message hook use these instead of building keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from micboard.infrastructure import keys
from micboard.infrastructure.enqueuer import DISPATCH_TASK
from micboard.infrastructure.locks import LockManager


class BeatLocks:
    def __init__(self, locks: LockManager) -> None:
        self._locks = locks

    @staticmethod
    def dispatched_venue(task: str | None, args: Sequence[Any] | None) -> int | None:
        """The venue of a venue's dispatch (a message's ``task`` and ``args``); else None."""
        return int(args[0]) if task == DISPATCH_TASK and args else None

    def leader_acquire(self, *, ttl_seconds: int) -> str | None:
        return self._locks.acquire(keys.BEAT_LEADER, ttl_seconds=ttl_seconds)

    def leader_extend(self, token: str, *, ttl_seconds: int) -> bool:
        return self._locks.extend(keys.BEAT_LEADER, token, ttl_seconds=ttl_seconds)

    def leader_release(self, token: str) -> bool:
        return self._locks.release(keys.BEAT_LEADER, token)

    def dispatch_claim(self, venue_id: int, *, ttl_seconds: int) -> bool:
        """True, and held for ``ttl_seconds``, unless the venue's last dispatch still waits."""
        (free,) = self._locks.claim_many([keys.dispatch_queued(venue_id)], ttl_seconds=ttl_seconds)
        return free

    def dispatch_forget(self, venue_id: int) -> None:
        """The venue's dispatch was consumed: the next may be sent at once."""
        self._locks.forget_many([keys.dispatch_queued(venue_id)])
