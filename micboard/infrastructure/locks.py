"""Short-lived Redis locks (``SET NX EX``) whose expiry doubles as a safety net."""

from __future__ import annotations

import secrets
from typing import Protocol, cast

import redis

from micboard.infrastructure.keys import prefixed

# Delete the key only if it still holds our token, so an expired-and-retaken lock survives.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""

# The same for many keys at once: KEYS[i] is released if it still holds ARGV[i].
_RELEASE_MANY = """
local released = 0
for i, key in ipairs(KEYS) do
    if redis.call('get', key) == ARGV[i] then
        released = released + redis.call('del', key)
    end
end
return released
"""

# Push the expiry forward only while the key still holds our token.
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""


class LockManager(Protocol):
    def acquire(self, key: str, *, ttl_seconds: int) -> str | None:
        """Take the lock; returns a token, or ``None`` when someone else holds it."""
        ...

    def acquire_many(self, keys: list[str], *, ttl_seconds: int) -> list[str | None]:
        """``acquire`` for each key in one round trip, tokens in the order of ``keys``."""
        ...

    def release(self, key: str, token: str) -> bool: ...

    def release_many(self, held: list[tuple[str, str]]) -> None:
        """``release`` each ``(key, token)`` in one round trip."""
        ...

    def extend(self, key: str, token: str, *, ttl_seconds: int) -> bool:
        """Keep holding ``key`` for another ``ttl_seconds``; False when it was lost."""
        ...

    def claim_many(self, keys: list[str], *, ttl_seconds: int) -> list[bool]:
        """Mark each key as taken for ``ttl_seconds``; False for those that already were."""
        ...

    def forget_many(self, keys: list[str]) -> None:
        """Drop the keys, held or not."""
        ...

    def held_many(self, keys: list[str]) -> list[bool]:
        """Which of ``keys`` are currently held, in one round trip."""
        ...


class RedisLockManager:
    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._release = client.register_script(_RELEASE)
        self._release_many = client.register_script(_RELEASE_MANY)
        self._extend = client.register_script(_EXTEND)

    def _key(self, key: str) -> str:
        return prefixed(self._prefix, key)

    def acquire(self, key: str, *, ttl_seconds: int) -> str | None:
        token = secrets.token_hex(8)
        taken = self._client.set(self._key(key), token, nx=True, ex=max(1, ttl_seconds))
        return token if taken else None

    def acquire_many(self, keys: list[str], *, ttl_seconds: int) -> list[str | None]:
        tokens = [secrets.token_hex(8) for _ in keys]
        pipe = self._client.pipeline(transaction=False)
        for key, token in zip(keys, tokens, strict=True):
            pipe.set(self._key(key), token, nx=True, ex=max(1, ttl_seconds))
        taken = cast(list[object], pipe.execute()) if keys else []
        return [token if ok else None for token, ok in zip(tokens, taken, strict=True)]

    def release(self, key: str, token: str) -> bool:
        return bool(self._release(keys=[self._key(key)], args=[token]))

    def release_many(self, held: list[tuple[str, str]]) -> None:
        if not held:
            return
        self._release_many(
            keys=[self._key(key) for key, _ in held], args=[token for _, token in held]
        )

    def extend(self, key: str, token: str, *, ttl_seconds: int) -> bool:
        return bool(self._extend(keys=[self._key(key)], args=[token, max(1, ttl_seconds)]))

    def claim_many(self, keys: list[str], *, ttl_seconds: int) -> list[bool]:
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.set(self._key(key), "1", nx=True, ex=max(1, ttl_seconds))
        return [bool(taken) for taken in cast(list[object], pipe.execute())]

    def forget_many(self, keys: list[str]) -> None:
        if keys:
            self._client.delete(*(self._key(key) for key in keys))

    def held_many(self, keys: list[str]) -> list[bool]:
        if not keys:
            return []
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.exists(self._key(key))
        return [bool(count) for count in cast(list[int], pipe.execute())]
