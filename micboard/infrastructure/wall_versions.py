"""Version counters of the display wall, one per venue and one for every venue, in Redis.

Whatever a wall shows changing bumps its venue's counter and the all-venues counter, so a
wall that already holds the current version is answered without touching the database.
A missing counter starts from the clock in microseconds: a counter Redis lost never comes
back to a value that an open wall still holds.
"""

from __future__ import annotations

import time

import redis
import structlog
from redis.client import Pipeline

from micboard.infrastructure import keys

log = structlog.get_logger(__name__)


def _seed() -> int:
    return time.time_ns() // 1000


def queue_bump(pipe: Pipeline, *, prefix: str, venue_id: int) -> None:
    """Add the bump of ``venue_id``'s and the all-venues counter to a pipeline."""
    for scope in (venue_id, None):
        key = keys.prefixed(prefix, keys.wall_version(scope))
        pipe.set(key, _seed(), nx=True)
        pipe.incr(key)


class WallVersions:
    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def bump(self, *, venue_id: int) -> None:
        """Mark a venue's wall as changed; losing a bump only delays a wall to the next one."""
        pipe = self._client.pipeline(transaction=False)
        queue_bump(pipe, prefix=self._prefix, venue_id=venue_id)
        try:
            pipe.execute()
        except redis.RedisError as error:
            log.warning("wall_version_bump_failed", venue_id=venue_id, error=str(error))

    def current(self, *, venue_id: int | None) -> int:
        """The wall's version (``venue_id`` None: every venue); raises ``redis.RedisError``."""
        key = keys.prefixed(self._prefix, keys.wall_version(venue_id))
        pipe = self._client.pipeline(transaction=False)
        pipe.set(key, _seed(), nx=True)
        pipe.get(key)
        _, value = pipe.execute()
        return int(value)
