"""Polling a batch of receivers in one call, against simulated receivers on real sockets."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings

from micboard.composition import celery_app, device_service, redis_connection, sync_service
from micboard.infrastructure import keys
from micboard.infrastructure.clock import SystemClock
from micboard.infrastructure.enqueuer import CeleryTaskEnqueuer
from micboard.infrastructure.locks import RedisLockManager
from micboard.integrations.base import (
    DeviceAddress,
    Driver,
    DriverRegistry,
    ModelDescription,
    ReceiverSnapshot,
)
from micboard.integrations.registry import default_registry
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Channel, Receiver, ReceiverStatus, Venue
from micboard.services.sync import DjangoSynchronizationService
from tests.conftest import StartFleet
from tests.factories import make_receiver, make_venue
from tests.queries import TRANSACTION_CONTROL, query_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(start_fleet: StartFleet) -> Fleet:
    return start_fleet(*["ULXD4Q"] * 8)


def register(venue: Venue, fleet: Fleet, count: int) -> list[Receiver]:
    return [make_receiver(venue, port=fleet.receiver(i).port) for i in range(count)]


def lock_key(receiver_id: int) -> str:
    return keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.receiver_lock(receiver_id))


def test_a_batch_writes_every_receiver_and_its_channels(fleet: Fleet) -> None:
    receivers = register(make_venue(), fleet, 4)
    outcomes = sync_service().receivers_sync(receiver_ids=[r.pk for r in receivers])
    assert [(o.receiver_id, o.status) for o in outcomes] == [(r.pk, "synced") for r in receivers]
    for receiver in receivers:
        receiver.refresh_from_db()
        assert receiver.status == ReceiverStatus.ONLINE
        assert receiver.next_sync_at is not None
        assert receiver.last_sync_duration_ms is not None
        assert Channel.objects.filter(receiver=receiver).count() == 4


def test_one_silent_receiver_does_not_hold_back_the_others(fleet: Fleet) -> None:
    venue = make_venue()
    answering = register(venue, fleet, 2)
    silent = make_receiver(venue)  # nothing listens on its port
    ids = [answering[0].pk, silent.pk, answering[1].pk]
    outcomes = sync_service().receivers_sync(receiver_ids=ids)
    assert [o.status for o in outcomes] == ["synced", "offline", "synced"]
    assert outcomes[1].error_code == "device_unreachable"
    silent.refresh_from_db()
    assert (silent.status, silent.consecutive_failures) == (ReceiverStatus.OFFLINE, 1)


def test_locked_disabled_and_missing_receivers_are_reported_in_order(
    fleet: Fleet, redis_client: redis.Redis
) -> None:
    venue = make_venue()
    locked, disabled, polled = register(venue, fleet, 3)
    Receiver.objects.filter(pk=disabled.pk).update(enabled=False)
    redis_client.set(lock_key(locked.pk), "another worker", ex=30)
    ids = [locked.pk, 999_999, disabled.pk, polled.pk]
    outcomes = sync_service().receivers_sync(receiver_ids=ids)
    assert [(o.receiver_id, o.status, o.detail) for o in outcomes] == [
        (locked.pk, "skipped", "locked"),
        (999_999, "not_found", "receiver 999999 does not exist"),
        (disabled.pk, "skipped", "polling disabled"),
        (polled.pk, "synced", ""),
    ]
    # Ours are released; the other worker's lock is left alone.
    assert redis_client.get(lock_key(locked.pk)) == b"another worker"
    assert not redis_client.exists(lock_key(polled.pk))


def test_a_batch_clears_its_receivers_pending_resyncs(
    fleet: Fleet, redis_client: redis.Redis
) -> None:
    receivers = register(make_venue(), fleet, 2)
    sync_service().receivers_resync(receiver_ids=[r.pk for r in receivers], requested_by="op")
    sync_service().receivers_sync(receiver_ids=[r.pk for r in receivers])
    pending = [
        keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.resync_pending(r.pk)) for r in receivers
    ]
    assert redis_client.exists(*pending) == 0


def test_queries_per_batch_do_not_grow_with_receivers(fleet: Fleet) -> None:
    venue = make_venue()
    small, large = register(venue, fleet, 2), register(make_venue(), fleet, 8)
    for batch in (small, large):  # first polls create the channels
        sync_service().receivers_sync(receiver_ids=[r.pk for r in batch])
    # read the receivers, at most 4 for the batch write, then alert evaluation's read of
    # the active alerts (nothing changes): it takes the receivers and channels from the
    # write, and the venue's rules, weekly hours and events from the first polls' evaluation
    with query_budget(5, ignore=TRANSACTION_CONTROL) as few:
        sync_service().receivers_sync(receiver_ids=[r.pk for r in small])
    with query_budget(few, ignore=TRANSACTION_CONTROL):
        sync_service().receivers_sync(receiver_ids=[r.pk for r in large])


class CrashingDriver:
    """A driver with a bug: it raises something no device error explains."""

    protocol = "crashing"

    def poll(
        self, address: DeviceAddress, *, channels: int, request_form: str = ""
    ) -> ReceiverSnapshot:
        raise RuntimeError("driver bug")

    def describe(self, model: str) -> ModelDescription:
        return ModelDescription(model, "ULXD", "ULX-D", 4, self.protocol)


def test_a_crashing_driver_loses_only_its_own_receiver(fleet: Fleet) -> None:
    venue = make_venue()
    healthy, buggy = register(venue, fleet, 2)
    Receiver.objects.filter(pk=buggy.pk).update(protocol="crashing")
    drivers: list[Driver] = [default_registry().get("shure-tcp"), CrashingDriver()]
    service = DjangoSynchronizationService(
        devices=device_service(),
        registry=DriverRegistry(drivers),
        locks=RedisLockManager(redis_connection(), prefix=settings.MICBOARD_KEY_PREFIX),
        enqueuer=CeleryTaskEnqueuer(celery_app()),
        clock=SystemClock(),
        device_timeout=2.0,
        max_backoff=60,
        poll_concurrency=2,
    )
    outcomes = service.receivers_sync(receiver_ids=[healthy.pk, buggy.pk])
    assert [(o.status, o.error_code) for o in outcomes] == [
        ("synced", ""),
        ("error", "driver_crashed"),
    ]
    buggy.refresh_from_db()
    assert buggy.status != ReceiverStatus.ONLINE


def test_single_receiver_sync_reports_failures_as_before(fleet: Fleet) -> None:
    venue = make_venue()
    silent = make_receiver(venue)
    (offline,) = sync_service().receivers_sync(receiver_ids=[silent.pk])
    assert (offline.ok, offline.error_code) == (False, "device_unreachable")
    (missing,) = sync_service().receivers_sync(receiver_ids=[987_654])
    assert (missing.ok, missing.error_code) == (False, "not_found")
    (synced,) = sync_service().receivers_sync(receiver_ids=[register(venue, fleet, 1)[0].pk])
    assert synced.ok
