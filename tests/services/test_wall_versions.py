"""Version counters: bumped by the event publisher and by edits, never reused after a loss."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from django.conf import settings

from micboard.models import Receiver
from micboard.services.events import RedisEventPublisher
from micboard.services.groups import GroupInput, group_create
from micboard.services.wall_feed import fail_fast_redis, wall_feed
from micboard.services.wall_versions import WallVersions
from tests.factories import make_receiver, make_venue
from tests.waiting import wait_for


@pytest.fixture
def versions(redis_client: redis.Redis) -> WallVersions:
    return WallVersions(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)


def test_a_missing_counter_starts_from_the_clock(
    versions: WallVersions, redis_client: redis.Redis
) -> None:
    first = versions.current(venue_id=1)
    assert first > 1_700_000_000_000_000  # microseconds since 1970
    versions.bump(venue_id=1)
    assert versions.current(venue_id=1) == first + 1
    redis_client.flushdb()
    assert versions.current(venue_id=1) > first + 1


def test_the_event_publisher_bumps_the_venue_and_every_venue(
    versions: WallVersions, redis_client: redis.Redis
) -> None:
    publisher = RedisEventPublisher(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)
    scopes = (3, 4, None)
    before = [versions.current(venue_id=scope) for scope in scopes]
    subscriber = redis_client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(publisher.channel)
    publisher.receiver_changed(receiver_id=9, venue_id=3)
    after = [versions.current(venue_id=scope) for scope in scopes]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 0, 1]
    message = wait_for(lambda: subscriber.get_message(timeout=0.1), timeout=2, what="the event")
    assert b'"receiver.changed"' in message["data"]
    subscriber.close()


def test_a_batch_of_changes_bumps_each_venue_once_and_publishes_each_receiver(
    versions: WallVersions, redis_client: redis.Redis
) -> None:
    publisher = RedisEventPublisher(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)
    scopes = (5, 6, None)
    before = [versions.current(venue_id=scope) for scope in scopes]
    subscriber = redis_client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(publisher.channel)
    publisher.receivers_changed([(1, 5), (2, 5), (3, 6)])
    publisher.receivers_changed([])
    after = [versions.current(venue_id=scope) for scope in scopes]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 2]
    received = [
        wait_for(lambda: subscriber.get_message(timeout=0.1), timeout=2, what="an event")
        for _ in range(3)
    ]
    assert [json.loads(m["data"])["receiver"] for m in received] == [1, 2, 3]
    subscriber.close()


def test_a_lost_redis_only_loses_the_bump() -> None:
    unreachable = fail_fast_redis("redis://127.0.0.1:1/0")
    WallVersions(unreachable, prefix="x").bump(venue_id=1)
    RedisEventPublisher(unreachable, prefix="x").receiver_changed(receiver_id=1, venue_id=1)


@pytest.mark.django_db
def test_edits_bump_the_wall_once_committed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    venue = make_venue()
    version = wall_feed().version(venue_id=venue.pk)
    assert version is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receiver = make_receiver(venue)
    assert len(callbacks) == 1
    assert wall_feed().version(venue_id=venue.pk) == version + 1
    with django_capture_on_commit_callbacks(execute=True):
        Receiver.objects.get(pk=receiver.pk).delete()
        group_create(venue=venue, data=GroupInput(1, "Vocals"))
    assert wall_feed().version(venue_id=venue.pk) == version + 3
