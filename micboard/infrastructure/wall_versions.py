"""Version counters of the display wall, one per venue and one for every venue, in Redis.

Whatever a wall shows changing bumps its venue's counter and the all-venues counter, so a
wall that already holds the current version is answered without touching the database.
A missing counter starts from the clock in microseconds: a counter Redis lost never comes
back to a value that an open wall still holds.

A wall also changes with nobody writing, when data it shows fresh turns stale: each render
leaves the moment that happens, and the first read after it bumps the counter, once.
"""

from __future__ import annotations

import time

import redis
import structlog
from redis.client import Pipeline

from micboard.infrastructure import keys

log = structlog.get_logger(__name__)


# Bump the counter once when the wall's stale-at moment has passed; return the counter.
_CURRENT = """
redis.call('set', KEYS[1], ARGV[1], 'nx')
local due = redis.call('get', KEYS[2])
if due and tonumber(due) <= tonumber(ARGV[2]) then
    redis.call('del', KEYS[2])
    return redis.call('incr', KEYS[1])
end
return tonumber(redis.call('get', KEYS[1]))
"""

# Keep the earliest stale-at moment: a later render never hides an earlier change.
_STALE_AT = """
local held = redis.call('get', KEYS[1])
if (not held) or tonumber(ARGV[1]) < tonumber(held) then
    redis.call('set', KEYS[1], ARGV[1], 'ex', ARGV[2])
end
return 0
"""


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
        self._current = client.register_script(_CURRENT)
        self._stale_at = client.register_script(_STALE_AT)

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
        version = keys.prefixed(self._prefix, keys.wall_version(venue_id))
        stale_at = keys.prefixed(self._prefix, keys.wall_stale_at(venue_id))
        return int(self._current(keys=[version, stale_at], args=[_seed(), time.time()]))

    def changes_at(self, *, venue_id: int | None, when: float, keep_seconds: int) -> None:
        """The wall changes by itself at ``when`` (Unix seconds) unless a bump comes first."""
        key = keys.prefixed(self._prefix, keys.wall_stale_at(venue_id))
        try:
            self._stale_at(keys=[key], args=[repr(when), max(1, keep_seconds)])
        except redis.RedisError as error:
            log.warning("wall_stale_at_failed", venue_id=venue_id, error=str(error))
