"""RedisLockManager's batch operations, on the suite's own Redis database."""

from __future__ import annotations

import os
import time

import pytest
import redis
from django.conf import settings

from micboard.infrastructure.locks import RedisLockManager, Renewal
from micboard.infrastructure.redis import RedisProfile, redis_client
from tests.ports import free_port


@pytest.fixture
def locks() -> RedisLockManager:
    prefix = f"{settings.MICBOARD_KEY_PREFIX}:{os.environ['MICBOARD_TEST_RUN_ID']}"
    return RedisLockManager(redis_client(settings.REDIS_URL, RedisProfile.STANDARD), prefix=prefix)


def test_acquire_many_takes_only_free_keys_and_release_many_only_its_own(
    locks: RedisLockManager,
) -> None:
    assert locks.acquire("b", ttl_seconds=30) is not None
    tokens = locks.acquire_many(["a", "b", "c"], ttl_seconds=30)
    assert [token is not None for token in tokens] == [True, False, True]
    assert locks.held_many(["a", "b", "c"]) == [True, True, True]
    # A stale token (the lock expired and someone else took it) releases nothing.
    locks.release_many([("a", "stale"), ("c", str(tokens[2]))])
    assert locks.held_many(["a", "b", "c"]) == [True, True, False]
    locks.release_many([])
    assert locks.acquire_many([], ttl_seconds=30) == []


def test_forget_many_drops_claims(locks: RedisLockManager, redis_client: redis.Redis) -> None:
    assert locks.claim_many(["x", "y"], ttl_seconds=30) == [True, True]
    locks.forget_many(["x", "y", "never-claimed"])
    locks.forget_many([])
    assert locks.claim_many(["x", "y"], ttl_seconds=30) == [True, True]


def test_space_out_many_books_turns_spacing_apart(locks: RedisLockManager) -> None:
    assert locks.space_out_many(["r1", "r2"], now=1000.0, spacing=2.0) == [0.0, 0.0]
    assert locks.space_out_many(["r1"], now=1000.5, spacing=2.0) == [pytest.approx(1.5)]
    assert locks.space_out_many(["r2"], now=1003.0, spacing=2.0) == [0.0]
    assert locks.space_out_many([], now=1003.0, spacing=2.0) == []


def test_a_renewal_keeps_a_lock_past_its_ttl_until_it_ends(locks: RedisLockManager) -> None:
    token = locks.acquire("slow", ttl_seconds=1)
    assert token is not None
    with Renewal(locks, "slow", token, ttl_seconds=1, max_seconds=10) as renewal:
        time.sleep(1.6)  # past the TTL: only the renewal keeps it
        assert locks.held_many(["slow"]) == [True]
        assert renewal.still_held()
    assert locks.release("slow", token)


def test_a_renewal_knows_when_the_lock_was_taken_by_another(locks: RedisLockManager) -> None:
    token = locks.acquire("taken", ttl_seconds=30)
    assert token is not None
    with Renewal(locks, "taken", token, ttl_seconds=30, max_seconds=10) as renewal:
        locks.forget_many(["taken"])
        assert locks.acquire("taken", ttl_seconds=30) is not None  # a second dispatcher
        assert not renewal.still_held()
        assert not renewal.still_held()  # lost stays lost


def test_a_renewal_without_redis_trusts_the_expiry() -> None:
    unreachable = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.2)
    locks = RedisLockManager(unreachable, prefix="x")
    with Renewal(locks, "k", "token", ttl_seconds=1, max_seconds=0.5) as renewal:
        assert renewal.still_held()  # unknown: not known to be lost
