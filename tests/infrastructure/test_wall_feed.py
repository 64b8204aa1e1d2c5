"""The wall feed: each version read from the database once, shared by every wall."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from structlog.testing import capture_logs

from micboard.composition import device_service, wall_feed
from micboard.exceptions import NotFoundError
from micboard.infrastructure.redis import RedisProfile, redis_client
from micboard.infrastructure.wall_feed import MIN_RENDER_INTERVAL, RedisWallFeed
from tests.clock import SteppedClock
from tests.factories import make_receiver, make_venue, snapshot
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def _unreachable() -> redis.Redis:
    return redis_client("redis://127.0.0.1:1/0", RedisProfile.FAIL_FAST)


def test_a_version_is_rendered_once_then_served_from_redis() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2))
    feed = wall_feed()
    version = feed.version(venue_id=venue.pk)
    first = feed.frame(venue_id=venue.pk, version=version)
    with query_budget(0):
        again = feed.frame(venue_id=venue.pk, version=version)
    assert again == first
    assert json.loads(first.json)["version"] == str(version)


def test_a_new_version_is_rendered_after_the_render_interval(redis_client: redis.Redis) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    clock = SteppedClock()
    feed = RedisWallFeed(redis_client, prefix=settings.MICBOARD_KEY_PREFIX, clock=clock)
    before = feed.frame(venue_id=venue.pk, version=feed.version(venue_id=venue.pk))
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2, bars=1))
    version = feed.version(venue_id=venue.pk)
    assert version is not None
    clock.at += timedelta(seconds=MIN_RENDER_INTERVAL / 2)
    assert feed.frame(venue_id=venue.pk, version=version) == before  # coalesced
    clock.at += timedelta(seconds=MIN_RENDER_INTERVAL)
    after = feed.frame(venue_id=venue.pk, version=version)
    assert after.version == version != before.version
    assert {t["state"] for t in json.loads(after.json)["tiles"]} == {"CRITICAL"}


def test_without_redis_every_request_reads_the_database() -> None:
    venue = make_venue()
    make_receiver(venue, model="ULXD4")
    feed = RedisWallFeed(_unreachable(), prefix="x")
    version = feed.version(venue_id=venue.pk)
    frame = feed.frame(venue_id=venue.pk, version=version)
    assert (version, frame.version) == (None, None)
    assert len(json.loads(frame.json)["tiles"]) == 1


def test_a_wall_holding_a_version_still_gets_a_frame_when_redis_goes_away() -> None:
    venue = make_venue()
    make_receiver(venue, model="ULXD4")
    feed = RedisWallFeed(_unreachable(), prefix="x")

    with capture_logs() as logs:
        frame = feed.frame(venue_id=venue.pk, version=7)

    assert frame.version == 7
    assert len(json.loads(frame.json)["tiles"]) == 1
    assert [e["event"] for e in logs] == ["wall_state_cache_failed", "wall_stale_at_failed"]


def test_a_deleted_venue_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        wall_feed().frame(venue_id=999_999, version=1)
