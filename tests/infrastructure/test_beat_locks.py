"""Beat's locks on the suite's own Redis database: the leader lease and the dispatch hold."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from micboard.infrastructure.beat_locks import BeatLocks
from micboard.infrastructure.locks import RedisLockManager
from micboard.infrastructure.redis import RedisProfile, redis_client


@pytest.fixture
def beat() -> BeatLocks:
    prefix = f"{settings.MICBOARD_KEY_PREFIX}:{os.environ['MICBOARD_TEST_RUN_ID']}"
    client = redis_client(settings.REDIS_URL, RedisProfile.STANDARD)
    return BeatLocks(RedisLockManager(client, prefix=prefix))


def test_one_leader_at_a_time_until_it_lets_go(beat: BeatLocks) -> None:
    token = beat.leader_acquire(ttl_seconds=30)
    assert token is not None
    assert beat.leader_acquire(ttl_seconds=30) is None
    assert beat.leader_extend(token, ttl_seconds=30)
    assert not beat.leader_extend("another beat's token", ttl_seconds=30)
    assert beat.leader_release(token)
    second = beat.leader_acquire(ttl_seconds=30)
    assert second is not None
    beat.leader_release(second)


def test_a_venues_dispatch_is_held_until_forgotten(beat: BeatLocks) -> None:
    assert beat.dispatch_claim(7, ttl_seconds=30)
    assert not beat.dispatch_claim(7, ttl_seconds=30)
    assert beat.dispatch_claim(8, ttl_seconds=30)  # each venue its own
    beat.dispatch_forget(7)
    assert beat.dispatch_claim(7, ttl_seconds=30)
    beat.dispatch_forget(7)
    beat.dispatch_forget(8)


def test_only_a_dispatch_with_its_venue_names_a_venue() -> None:
    assert BeatLocks.dispatched_venue("micboard.dispatch_due_syncs", ["12"]) == 12
    assert BeatLocks.dispatched_venue("micboard.dispatch_due_syncs", []) is None
    assert BeatLocks.dispatched_venue("micboard.sync_receiver", [12]) is None
    assert BeatLocks.dispatched_venue(None, None) is None
