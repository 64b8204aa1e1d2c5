"""Redis clients: the two connection profiles every Redis user of micboard takes one of."""

from __future__ import annotations

import enum

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


class RedisProfile(enum.Enum):
    """How long a caller may wait on Redis."""

    STANDARD = "standard"
    """Locks and beat's leadership: a few seconds, redis-py's default retries."""
    FAIL_FAST = "fail_fast"
    """Events and the wall: one retry, no backoff; losing one only delays a live view."""


def redis_client(url: str, profile: RedisProfile) -> redis.Redis:
    """A client for ``url``; the composition root builds one per profile and shares it."""
    # Every call is bounded (docs/adr/0023): connecting, each reply, and a connection left
    # idle across a link failure is checked before it is used again.
    bounds: dict[str, object] = {"socket_keepalive": True, "health_check_interval": 15}
    if profile is RedisProfile.FAIL_FAST:
        return redis.Redis.from_url(
            url,
            socket_timeout=2,
            socket_connect_timeout=2,
            retry=Retry(NoBackoff(), 1),
            **bounds,
        )
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, **bounds)
