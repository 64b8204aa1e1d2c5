"""Version counters: bumped by the event publisher and by edits, never reused after a loss."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from micboard.composition import wall_feed
from micboard.infrastructure.events import RedisEventPublisher
from micboard.infrastructure.redis import RedisProfile, redis_client
from micboard.infrastructure.wall_versions import WallVersions
from micboard.models import Receiver
from micboard.services.groups import GroupInput, group_create
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
    # Redis lost its data (a restart without persistence): only this run's keys, as other
    # runs share the database.
    redis_client.delete(*redis_client.scan_iter(match=f"{settings.MICBOARD_KEY_PREFIX}*"))
    assert versions.current(venue_id=1) > first + 1


def publish(
    versions: WallVersions,
    client: redis.Redis,
    scopes: tuple[int | None, ...],
    send: Callable[[RedisEventPublisher], None],
    events: int,
) -> tuple[list[int], list[dict[str, Any]]]:
    """The version bumps of each scope, and the events on the channel, that ``send`` makes."""
    publisher = RedisEventPublisher(client, prefix=settings.MICBOARD_KEY_PREFIX)
    before = [versions.current(venue_id=scope) for scope in scopes]
    subscriber = client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(publisher.channel)
    send(publisher)
    after = [versions.current(venue_id=scope) for scope in scopes]
    received = [
        wait_for(lambda: subscriber.get_message(timeout=0.1), timeout=2, what="an event")
        for _ in range(events)
    ]
    subscriber.close()
    bumps = [b - a for a, b in zip(before, after, strict=True)]
    return bumps, [json.loads(message["data"]) for message in received]


def test_the_event_publisher_bumps_the_venue_and_every_venue(
    versions: WallVersions, redis_client: redis.Redis
) -> None:
    bumps, events = publish(
        versions,
        redis_client,
        (3, 4, None),
        lambda publisher: publisher.receiver_changed(receiver_id=9, venue_id=3),
        events=1,
    )
    assert bumps == [1, 0, 1]
    assert events[0]["type"] == "receiver.changed"


def test_a_batch_of_changes_bumps_each_venue_once_and_publishes_each_receiver(
    versions: WallVersions, redis_client: redis.Redis
) -> None:
    def send(publisher: RedisEventPublisher) -> None:
        publisher.receivers_changed([(1, 5), (2, 5), (3, 6)])
        publisher.receivers_changed([])

    bumps, events = publish(versions, redis_client, (5, 6, None), send, events=3)
    assert bumps == [1, 1, 2]
    assert [event["receiver"] for event in events] == [1, 2, 3]


def test_a_lost_redis_only_loses_the_bump() -> None:
    unreachable = redis_client("redis://127.0.0.1:1/0", RedisProfile.FAIL_FAST)
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


def test_the_version_changes_once_when_the_stale_at_moment_passes(
    versions: WallVersions,
) -> None:
    first = versions.current(venue_id=3)
    versions.changes_at(venue_id=3, when=time.time() + 60, keep_seconds=120)
    versions.changes_at(venue_id=3, when=time.time() + 0.3, keep_seconds=120)  # earlier wins
    versions.changes_at(venue_id=3, when=time.time() + 90, keep_seconds=120)  # later ignored
    assert versions.current(venue_id=3) == first
    wait_for(lambda: versions.current(venue_id=3) == first + 1, timeout=5, what="the bump")
    assert versions.current(venue_id=3) == first + 1  # once, not at every read after it


@pytest.mark.django_db
def test_a_wall_turns_stale_with_nothing_written() -> None:
    """No worker, no edit: the wall's version still moves when its data grows old."""
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4", poll_interval=1)
    Receiver.objects.filter(pk=receiver.pk).update(
        last_sync_at=timezone.now() - timedelta(seconds=2.5)
    )
    feed = wall_feed()
    held = feed.version(venue_id=venue.pk)
    frame = feed.frame(venue_id=venue.pk, version=held)
    assert [t["state"] for t in json.loads(frame.json)["tiles"]] == ["NO_DATA"]

    def changed() -> int | None:
        version = feed.version(venue_id=venue.pk)
        return version if version is not None and version != held else None

    newer = wait_for(changed, timeout=5, what="a new wall version")
    tiles = json.loads(feed.frame(venue_id=venue.pk, version=newer).json)["tiles"]
    assert [(t["state"], t["stale"]) for t in tiles] == [("STALE", True)]
