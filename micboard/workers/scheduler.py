"""Beat's scheduler: django-celery-beat's, sending only while it holds the leader lock.

A second beat started by mistake stands by instead of doubling every dispatch, and takes
over by itself within ``LEADER_TTL`` seconds (plus one standby poll) when the leader dies:
the leader renews its lease at every tick, and ticks at least every ``RENEW_SECONDS``, so
the lease can be shorter than the shortest poll interval in use (docs/adr/0023).
"""

from __future__ import annotations

import contextlib
from typing import Any

import redis
import structlog
from django_celery_beat.schedulers import DatabaseScheduler

from micboard.composition import beat_locks
from micboard.project.roles import refuse_in_venue_worker

log = structlog.get_logger(__name__)

LEADER_TTL = 2
RENEW_SECONDS = 0.5
STANDBY_POLL_SECONDS = 0.5
# While a venue's dispatch waits unconsumed (its worker is away), beat sends another only
# this often: a long outage leaves a few expired messages to drop, not one per second.
DISPATCH_HOLD_SECONDS = 15


class SingleBeatScheduler(DatabaseScheduler):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        refuse_in_venue_worker("beat")
        self._locks = beat_locks()
        self._token: str | None = None
        self._announced_standby = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            leading = self._lead()
        except redis.RedisError as error:
            # No Redis, no broker: nothing could be sent anyway. Try again shortly.
            log.warning("beat_lock_unavailable", error=str(error))
            self._token = None
            return STANDBY_POLL_SECONDS
        if not leading:
            return STANDBY_POLL_SECONDS
        return min(float(super().tick(*args, **kwargs)), RENEW_SECONDS)

    def apply_async(
        self, entry: Any, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        """Send the entry, unless it is a venue's dispatch and the last one is still queued."""
        venue_id = self._locks.dispatched_venue(entry.task, entry.args)
        if venue_id is not None:
            try:
                free = self._locks.dispatch_claim(venue_id, ttl_seconds=DISPATCH_HOLD_SECONDS)
            except redis.RedisError:
                free = True  # cannot tell: send, the message's expiry still bounds it
            if not free:
                log.debug("dispatch_held_back", venue_id=entry.args[0])
                return None
        return super().apply_async(entry, producer=producer, advance=advance, **kwargs)

    def _lead(self) -> bool:
        """True while this beat holds (or has just taken) the leader lock."""
        if self._token is not None:
            if self._locks.leader_extend(self._token, ttl_seconds=LEADER_TTL):
                return True
            log.warning("beat_leadership_lost")
            self._token = None
        self._token = self._locks.leader_acquire(ttl_seconds=LEADER_TTL)
        if self._token is not None:
            log.info("beat_leadership_acquired")
            self._announced_standby = False
            return True
        if not self._announced_standby:
            log.warning("beat_standing_by", reason="another beat holds the leader lock")
            self._announced_standby = True
        return False

    def close(self) -> None:
        if self._token is not None:
            with contextlib.suppress(redis.RedisError):
                self._locks.leader_release(self._token)
            self._token = None
        super().close()
