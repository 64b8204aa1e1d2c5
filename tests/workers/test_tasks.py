"""Tasks are thin: each calls one service function. Run here in-process, on real sockets."""

from __future__ import annotations

import pytest
import redis
from celery.contrib.testing.app import set_trap
from django.conf import settings

from micboard.composition import device_service
from micboard.integrations.shure.fleet import Fleet
from micboard.models import (
    ContactChannel,
    Notification,
    NotificationState,
    Receiver,
    ReceiverStatus,
)
from micboard.workers import liveness, tasks
from micboard.workers.celery import app
from tests.conftest import StartFleet, queue_depth
from tests.factories import make_receiver, make_venue, snapshot
from tests.mail_server import MailServer
from tests.services.alerts.conftest import add_contact
from tests.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(start_fleet: StartFleet) -> Fleet:
    return start_fleet("QLXD4")


def test_sync_task_polls_and_stores(fleet: Fleet) -> None:
    receiver = make_receiver(make_venue(), port=fleet.receiver(0).port, model="QLXD4")
    assert tasks.sync_receivers.run([receiver.pk], venue="x") == {str(receiver.pk): "synced"}
    assert Receiver.objects.get(pk=receiver.pk).status == ReceiverStatus.ONLINE


def test_batch_task_reports_each_receiver(fleet: Fleet) -> None:
    venue = make_venue()
    answering = make_receiver(venue, port=fleet.receiver(0).port, model="QLXD4")
    silent = make_receiver(venue, model="QLXD4")
    outcome = tasks.sync_receivers.run([answering.pk, silent.pk, 987_654], venue=venue.slug)
    assert outcome == {
        str(answering.pk): "synced",
        str(silent.pk): "offline",
        "987654": "not_found",
    }


def test_sync_task_for_a_missing_receiver_reports_not_found() -> None:
    assert tasks.sync_receivers.run([987_654]) == {"987654": "not_found"}


def test_dispatch_task_enqueues_on_the_venue_queue(redis_client: redis.Redis) -> None:
    venue = make_venue()
    make_receiver(venue)
    assert tasks.dispatch_due_syncs.run(venue.pk) == 1
    assert queue_depth(redis_client, venue.queue_name) == 1


def test_nothing_uses_the_default_celery_app(redis_client: redis.Redis) -> None:
    """Like django-celery-beat's suite: with the default app trapped, the real paths still work."""
    venue = make_venue()
    make_receiver(venue)
    with set_trap(app):
        assert tasks.dispatch_due_syncs.run(venue.pk) == 1
    assert queue_depth(redis_client, venue.queue_name) == 1


def test_tasks_are_registered_under_stable_names() -> None:
    names = {
        "micboard.sync_receivers",
        "micboard.dispatch_due_syncs",
        "micboard.history_prune",
        "micboard.alerts_check",
        "micboard.notifications_deliver",
    }
    assert names <= set(app.tasks)
    assert "micboard.sync_receiver" not in app.tasks  # one sync task, for one or many
    assert tasks.sync_receivers.ignore_result
    assert tasks.sync_receivers.soft_time_limit is not None


def test_ping_does_nothing_but_answer() -> None:
    assert tasks.ping.run() == "pong"


def test_delivery_task_sends_and_requeues_a_failed_notification_after_its_backoff(
    redis_client: redis.Redis, webhook_server: WebhookServer, mail_server: MailServer
) -> None:
    venue = make_venue()
    add_contact(venue)
    add_contact(venue, channel=ContactChannel.WEBHOOK, target=webhook_server.url)
    webhook_server.statuses = [500, 500]
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2, bars=1))
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis_client.delete(queue)
    assert tasks.notifications_deliver.run(ids) == 2  # the emails; the webhooks answered 500
    assert len(mail_server.messages) == 2
    assert queue_depth(redis_client, queue) == 1  # the failed ones, back after their backoff
    assert Notification.objects.filter(state=NotificationState.PENDING).count() == 2


def test_alerts_check_task_reports_what_it_changed() -> None:
    receiver = make_receiver(make_venue(), model="ULXD4D")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2, bars=1))
    assert tasks.alerts_check.run() == 0  # the battery alerts opened with the sync already


def test_only_a_task_that_got_its_work_done_counts_as_progress() -> None:
    """A worker whose every dispatch fails is wedged, however often it runs them."""
    before = liveness.progress().task_done_at
    assert tasks.dispatch_due_syncs.run(987_654) == 0  # no such venue: nothing done
    assert liveness.progress().task_done_at == before
    venue = make_venue()
    tasks.dispatch_due_syncs.run(venue.pk)
    assert (liveness.progress().task_done_at or 0) > (before or 0)
