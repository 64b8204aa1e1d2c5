"""RedisLockManager's batch operations, on the suite's own Redis database."""

from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings

from micboard.infrastructure.locks import RedisLockManager
from micboard.infrastructure.redis import RedisProfile, redis_client


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
