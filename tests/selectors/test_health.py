"""Health checks against the real broker, database and an in-process worker."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from micboard.composition import sync_service
from micboard.models import Receiver
from micboard.selectors.health import (
    check_broker,
    check_consumers,
    check_dispatch_cycles,
    check_freshness,
)
from micboard.workers.celery import app
from tests.factories import make_receiver, make_venue
from tests.ports import free_port
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def health() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("micboard_health", "--timeout", "1", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), False
    return out.getvalue(), True


def test_healthy_when_every_part_runs() -> None:
    venue = make_venue()
    make_receiver(venue)
    sync_service().venue_dispatch(venue_id=venue.pk)
    queues = [venue.queue_name, settings.CELERY_TASK_DEFAULT_QUEUE]
    with start_worker(app, pool="solo", queues=queues, perform_ping_check=False):

        def healthy() -> str | None:
            report, ok = health()
            return report if ok else None

        report = wait_for(healthy, timeout=15, what="every check to pass")
    assert f"ok   queue {venue.queue_name}" in report


def test_says_what_is_wrong_without_worker_or_cycles() -> None:
    venue = make_venue()
    make_receiver(venue)
    report, ok = health()
    assert not ok
    assert f"FAIL dispatch {venue.slug}: no cycle recorded" in report
    assert f"FAIL queue {venue.queue_name}: no live consumer" in report
    assert "unhealthy:" in report


def test_stale_cycles_fail() -> None:
    venue = make_venue()
    make_receiver(venue)
    sync_service().venue_dispatch(venue_id=venue.pk)
    later = timezone.now() + timedelta(minutes=5)
    (check,) = check_dispatch_cycles(now=later, max_age=timedelta(seconds=30))
    assert not check.ok
    assert "is beat running" in check.detail


def test_unreachable_broker_fails_fast() -> None:
    broken = Celery("broken", broker=f"redis://127.0.0.1:{free_port()}/0")
    check = check_broker(app=broken, timeout=1)
    assert not check.ok
    assert check.name == "broker"


def test_consumer_check_lists_workers() -> None:
    queue = f"{settings.MICBOARD_QUEUE_PREFIX}health-probe"
    with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False):
        # A worker answers control commands once its consumer runs: ask until it does.
        (check,) = wait_for(
            lambda: [c for c in check_consumers(app=app, queues=[queue], timeout=1) if c.ok],
            timeout=15,
            what="the worker to answer",
        )
    assert check.detail


def test_a_venue_under_its_share_of_fresh_receivers_fails() -> None:
    venue = make_venue()
    receivers = [make_receiver(venue) for _ in range(4)]
    old = timezone.now() - timedelta(minutes=2)
    Receiver.objects.filter(pk__in=[r.pk for r in receivers]).update(last_sync_at=old)
    Receiver.objects.filter(pk=receivers[0].pk).update(last_sync_at=timezone.now())
    (check,) = check_freshness(now=timezone.now(), min_fresh_share=0.5)
    assert (check.name, check.ok) == (f"fresh {venue.slug}", False)
    assert check.detail.startswith("1 of 4 receivers fresh (25%, at least 50% wanted)")
    Receiver.objects.filter(pk=receivers[0].pk).update(last_sync_at=old)
    (check,) = check_freshness(now=timezone.now(), min_fresh_share=0.5)
    assert "venue worker not reporting since" in check.detail
    report, ok = health()
    assert not ok
    assert f"FAIL fresh {venue.slug}: 0 of 4 receivers fresh" in report

    Receiver.objects.filter(venue=venue).update(last_sync_at=timezone.now())
    (check,) = check_freshness(now=timezone.now(), min_fresh_share=1.0)
    assert check.ok
