"""The dispatcher and operator resyncs, publishing to the real Redis broker."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from micboard.composition import sync_service
from micboard.infrastructure import keys
from micboard.infrastructure.enqueuer import PRIORITY_RESYNC
from micboard.infrastructure.locks import RedisLockManager, Renewal
from micboard.models import AuditAction, AuditEntry, DispatchCycle, Receiver
from tests.conftest import queue_depth, queued_tasks
from tests.factories import make_receiver, make_venue
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def test_dispatch_enqueues_due_receivers_once(redis_client: redis.Redis) -> None:
    venue = make_venue()
    due = [make_receiver(venue) for _ in range(3)]
    later = make_receiver(venue)
    Receiver.objects.filter(pk=later.pk).update(next_sync_at=timezone.now() + timedelta(minutes=5))
    stats = sync_service().venue_dispatch(venue_id=venue.pk).unwrap()
    assert (stats.due, stats.enqueued) == (3, 3)
    queued = queued_tasks(redis_client, venue.queue_name)
    assert queued == [
        ("micboard.sync_receivers", {"receiver_ids": [r.pk for r in due], "venue": venue.slug,
                                     "reason": "schedule"})
    ]  # fmt: skip
    # Pushed one interval ahead: an immediate second dispatch finds nothing.
    assert sync_service().venue_dispatch(venue_id=venue.pk).unwrap().due == 0
    for receiver in due:
        receiver.refresh_from_db()
        assert receiver.next_sync_at is not None
        assert receiver.next_sync_at > timezone.now()


def test_dispatch_counts_late_receivers() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, poll_interval=5)
    Receiver.objects.filter(pk=receiver.pk).update(
        next_sync_at=timezone.now() - timedelta(seconds=30)
    )
    assert sync_service().venue_dispatch(venue_id=venue.pk).unwrap().late == 1


def test_disabled_receivers_are_not_dispatched(redis_client: redis.Redis) -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    Receiver.objects.filter(pk=receiver.pk).update(enabled=False)
    assert sync_service().venue_dispatch(venue_id=venue.pk).unwrap().due == 0
    assert queue_depth(redis_client, venue.queue_name) == 0


def test_dispatch_query_count_does_not_grow_with_receivers() -> None:
    venue = make_venue()
    for _ in range(2):
        make_receiver(venue)
    with query_budget() as small:
        sync_service().venue_dispatch(venue_id=venue.pk)
    other = make_venue()
    for _ in range(40):
        make_receiver(other)
    with query_budget(small):
        sync_service().venue_dispatch(venue_id=other.pk)


def test_a_concurrent_dispatcher_for_the_same_venue_backs_off(redis_client: redis.Redis) -> None:
    venue = make_venue()
    make_receiver(venue)
    redis_client.set(
        keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.dispatch_lock(venue.pk)), "other", ex=10
    )
    result = sync_service().venue_dispatch(venue_id=venue.pk)
    assert (result.ok, result.error_code) == (False, "locked")
    assert queue_depth(redis_client, venue.queue_name) == 0


def test_a_dispatcher_that_lost_its_lock_queues_nothing(redis_client: redis.Redis) -> None:
    """Stalled past its lock's expiry while another dispatcher took over: it stands down."""
    venue = make_venue()
    make_receiver(venue)
    service = sync_service()
    locks = RedisLockManager(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)
    key = keys.dispatch_lock(venue.pk)
    token = locks.acquire(key, ttl_seconds=10)
    assert token is not None
    locks.forget_many([key])
    assert locks.acquire(key, ttl_seconds=10) is not None  # the second dispatcher
    with Renewal(locks, key, token, ttl_seconds=10, max_seconds=5) as renewal:
        stats = service._dispatch(venue.pk, renewal)
    assert (stats.due, stats.enqueued) == (1, 0)
    assert queue_depth(redis_client, venue.queue_name) == 0


def test_resync_is_deduplicated_and_recorded(redis_client: redis.Redis) -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    first = sync_service().receivers_resync(receiver_ids=[receiver.pk], requested_by="alice")
    assert first.enqueued == [receiver.pk]
    for _ in range(99):
        again = sync_service().receivers_resync(receiver_ids=[receiver.pk], requested_by="bob")
        assert again.already_pending == [receiver.pk]
    assert queue_depth(redis_client, venue.queue_name) == 1
    receiver.refresh_from_db()
    assert receiver.resync_requested_by == "alice"
    assert receiver.resync_requested_at is not None


def test_resyncs_while_one_runs_become_one_more_spaced_after_it(
    redis_client: redis.Redis,
) -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    service = sync_service()
    assert service.receivers_resync(receiver_ids=[receiver.pk], requested_by="a").deferred == []
    # The first one starts: its worker drops the pending mark, as receivers_sync does.
    redis_client.delete(
        keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.resync_pending(receiver.pk))
    )
    second = service.receivers_resync(receiver_ids=[receiver.pk], requested_by="b")
    assert (second.enqueued, second.deferred, second.coalesced) == ([receiver.pk], [receiver.pk], 0)
    for _ in range(9):
        assert service.receivers_resync(receiver_ids=[receiver.pk], requested_by="c").coalesced == 1
    assert queue_depth(redis_client, venue.queue_name) == 2
    etas = [
        json.loads(raw)["headers"]["eta"]
        for name in (venue.queue_name, f"{venue.queue_name}:{PRIORITY_RESYNC}")
        for raw in redis_client.lrange(name, 0, -1)
    ]
    assert sorted(eta is None for eta in etas) == [False, True]  # the second waits its turn


def test_resync_jumps_the_scheduled_queue(redis_client: redis.Redis) -> None:
    venue = make_venue()
    scheduled = make_receiver(venue)
    urgent = make_receiver(venue)
    Receiver.objects.filter(pk=urgent.pk).update(next_sync_at=timezone.now() + timedelta(hours=1))
    sync_service().venue_dispatch(venue_id=venue.pk)
    sync_service().receivers_resync(receiver_ids=[urgent.pk], requested_by="op")
    # Priority 0 messages live on the bare queue list, which workers drain first.
    assert redis_client.llen(venue.queue_name) == 1
    assert queue_depth(redis_client, venue.queue_name) == 2
    assert scheduled.pk != urgent.pk


def test_resync_reports_disabled_and_missing() -> None:
    venue = make_venue()
    disabled = make_receiver(venue)
    Receiver.objects.filter(pk=disabled.pk).update(enabled=False)
    report = sync_service().receivers_resync(receiver_ids=[disabled.pk, 999_999], requested_by="op")
    assert (report.enqueued, report.disabled, report.missing) == ([], [disabled.pk], [999_999])


def test_resync_of_many_receivers_costs_a_fixed_number_of_queries() -> None:
    venue = make_venue()
    ids = [make_receiver(venue).pk for _ in range(50)]
    other = make_venue()
    ids += [make_receiver(other).pk for _ in range(10)]
    with query_budget(3):  # read, mark, and one insert of the audit entries of every venue
        report = sync_service().receivers_resync(receiver_ids=ids, requested_by="op")
    assert len(report.enqueued) == 60
    entries = AuditEntry.objects.filter(action=AuditAction.RESYNC).order_by("venue_id")
    assert [(e.venue_slug, e.actor, len(e.changes["enqueued"])) for e in entries] == [
        (venue.slug, "op", 50),
        (other.slug, "op", 10),
    ]


def test_each_cycle_is_recorded_with_its_figures() -> None:
    venue = make_venue()
    for _ in range(2):
        make_receiver(venue)
    sync_service().venue_dispatch(venue_id=venue.pk)
    cycle = DispatchCycle.objects.get(venue=venue)
    assert (cycle.due, cycle.enqueued, cycle.skipped_locked) == (2, 2, 0)


def test_receivers_still_syncing_are_skipped(redis_client: redis.Redis) -> None:
    venue = make_venue()
    busy, idle = make_receiver(venue), make_receiver(venue)
    redis_client.set(
        keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.receiver_lock(busy.pk)), "worker-1", ex=10
    )
    stats = sync_service().venue_dispatch(venue_id=venue.pk).unwrap()
    assert (stats.due, stats.enqueued, stats.skipped_locked) == (2, 1, 1)
    assert queue_depth(redis_client, venue.queue_name) == 1
    assert idle.pk != busy.pk


def test_dispatch_for_a_deleted_venue_reports_not_found() -> None:
    result = sync_service().venue_dispatch(venue_id=123_456)
    assert (result.ok, result.error_code) == (False, "not_found")


@override_settings(MICBOARD_SYNC_BATCH_SIZE=2)
def test_failing_receivers_are_batched_apart_from_healthy_ones(redis_client: redis.Redis) -> None:
    venue = make_venue()
    healthy = {make_receiver(venue).pk for _ in range(5)}
    failing = {make_receiver(venue).pk for _ in range(3)}
    Receiver.objects.filter(pk__in=failing).update(consecutive_failures=3)
    stats = sync_service().venue_dispatch(venue_id=venue.pk).unwrap()
    assert stats.enqueued == 8
    messages = [
        set(kw["receiver_ids"]) for name, kw in queued_tasks(redis_client, venue.queue_name)
    ]
    assert sorted(len(ids) for ids in messages) == [1, 1, 2, 2, 2]
    assert all(ids <= healthy or ids <= failing for ids in messages)
    assert set().union(*messages) == healthy | failing


@override_settings(MICBOARD_SYNC_BATCH_SIZE=1)
def test_a_batch_size_of_one_sends_one_message_per_receiver(redis_client: redis.Redis) -> None:
    venue = make_venue()
    receivers = [make_receiver(venue) for _ in range(3)]
    sync_service().venue_dispatch(venue_id=venue.pk)
    queued = queued_tasks(redis_client, venue.queue_name)
    assert {name for name, _ in queued} == {"micboard.sync_receivers"}
    assert sorted(kwargs["receiver_ids"] for _, kwargs in queued) == [[r.pk] for r in receivers]


def test_dispatch_locks_the_due_rows_in_ascending_pk_within_its_update() -> None:
    venue = make_venue()
    for _ in range(3):
        make_receiver(venue)
    with query_budget() as queries:
        sync_service().venue_dispatch(venue_id=venue.pk)
    (update,) = [sql for sql in queries.statements if sql.startswith("UPDATE")]
    assert re.search(r'IN \(SELECT .* ORDER BY \S*"id" ASC', update), update
    if connection.vendor == "postgresql":
        assert update.rstrip(")").endswith("FOR UPDATE")


@pytest.mark.django_db(transaction=True)
def test_dispatch_outside_a_transaction_pushes_its_receivers_ahead() -> None:
    # A worker runs in autocommit: the row lock must come with a transaction of its own.
    venue = make_venue()
    receiver = make_receiver(venue)
    stats = sync_service().venue_dispatch(venue_id=venue.pk).unwrap()
    assert (stats.due, stats.enqueued) == (1, 1)
    receiver.refresh_from_db()
    assert receiver.next_sync_at is not None
    assert receiver.next_sync_at > timezone.now()
