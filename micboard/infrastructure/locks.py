"""Short-lived Redis locks (``SET NX EX``) whose expiry doubles as a safety net."""

from __future__ import annotations

import math
import secrets
import threading
import time
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


# Each KEYS[i] holds when its last turn was (Unix seconds): the next turn comes at least
# ARGV[2] seconds later and no earlier than now (ARGV[1]); returns each wait, as strings.
_SPACE_OUT = """
local waits = {}
for i, key in ipairs(KEYS) do
    local last = tonumber(redis.call('get', key) or '-1e18')
    local turn = math.max(tonumber(ARGV[1]), last + tonumber(ARGV[2]))
    redis.call('set', key, string.format('%.6f', turn), 'ex', ARGV[3])
    waits[i] = string.format('%.6f', turn - tonumber(ARGV[1]))
end
return waits
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

    def space_out_many(self, keys: list[str], *, now: float, spacing: float) -> list[float]:
        """Book each key's next turn, ``spacing`` seconds after its last one at the soonest;
        returns the seconds to wait for each, in the order of ``keys``."""
        ...


class RedisLockManager:
    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._release = client.register_script(_RELEASE)
        self._release_many = client.register_script(_RELEASE_MANY)
        self._extend = client.register_script(_EXTEND)
        self._space_out = client.register_script(_SPACE_OUT)

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
        # One MGET, not an EXISTS each: a dispatcher asks about every due receiver.
        values = cast(list[object], self._client.mget([self._key(key) for key in keys]))
        return [value is not None for value in values]

    def space_out_many(self, keys: list[str], *, now: float, spacing: float) -> list[float]:
        if not keys:
            return []
        ttl = max(1, math.ceil(spacing * 2))
        waits = self._space_out(
            keys=[self._key(key) for key in keys], args=[repr(now), repr(spacing), ttl]
        )
        return [float(wait) for wait in cast(list[bytes], waits)]


class Renewal:
    """Keeps a held lock from expiring while a slow holder works, for up to ``max_seconds``.

    Renews every third of ``ttl_seconds`` from a thread of its own; ``still_held()`` renews
    once more and says whether the lock is still ours, so a holder that stalled past the
    lock's expiry (another took it meanwhile) can stand down instead of doubling work."""

    def __init__(
        self, locks: LockManager, key: str, token: str, *, ttl_seconds: int, max_seconds: float
    ) -> None:
        self._locks = locks
        self._key = key
        self._token = token
        self._ttl = ttl_seconds
        self._deadline = time.monotonic() + max_seconds
        self._stop = threading.Event()
        self._lost = False
        self._thread = threading.Thread(target=self._run, name="lock-renewal", daemon=True)

    def __enter__(self) -> Renewal:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self._ttl)

    def _renew(self) -> bool:
        try:
            held = self._locks.extend(self._key, self._token, ttl_seconds=self._ttl)
        except redis.RedisError:
            return not self._lost  # unknown: the expiry still guards the lock
        self._lost = self._lost or not held
        return held

    def _run(self) -> None:
        while not self._stop.wait(max(0.2, self._ttl / 3)):
            if time.monotonic() >= self._deadline or not self._renew():
                return

    def still_held(self) -> bool:
        return self._renew() and not self._lost
