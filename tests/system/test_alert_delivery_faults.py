"""A housekeeping worker SIGKILLed while it sends: the notification is neither lost nor sent
again under another key."""

from __future__ import annotations

import sys
import threading
from collections import Counter

import pytest
from django.conf import settings

from micboard.composition import alert_service, device_service
from micboard.devtools.processes import Child, ProcessGroup, tail
from micboard.models import ContactChannel, Notification, NotificationState
from tests.factories import make_receiver, make_venue, snapshot
from tests.services.alerts.conftest import add_contact
from tests.system.conftest import child_env
from tests.waiting import wait_for
from tests.webhook_server import WebhookServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

LEASE = 3


def housekeeping_worker(processes: ProcessGroup, name: str) -> Child:
    env = child_env(MICBOARD_NOTIFY_LEASE_SECONDS=str(LEASE), MICBOARD_WEBHOOK_TIMEOUT="1")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    argv = [sys.executable, "-m", "celery", "-A", "micboard.workers", "worker", "-Q", queue]
    return processes.start(name, [*argv, "-c", "1", "-n", f"{name}@%h", "-P", "solo"], env)


def test_a_worker_killed_mid_send_leaves_the_row_to_the_next_worker_with_its_key(
    processes: ProcessGroup, webhook_server: WebhookServer
) -> None:
    venue = make_venue()
    add_contact(venue, channel=ContactChannel.WEBHOOK, target=webhook_server.url)
    release = threading.Event()
    webhook_server.hold = release
    first = housekeeping_worker(processes, "first")
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=1))
    notification = Notification.objects.get()
    wait_for(webhook_server.held.is_set, timeout=30, what="the first worker sending")
    processes.kill(first)
    release.set()
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENDING, 1)
    second = housekeeping_worker(processes, "second")

    def sent() -> bool:
        assert second.process.poll() is None, tail(second.log_path)
        alert_service().alerts_check()  # the sweep hands the row out once its lease is over
        return Notification.objects.get().state == NotificationState.SENT

    wait_for(sent, timeout=60, interval=1.0, what="the notification sent by the second worker")
    keys = Counter(d.headers["Idempotency-Key"] for d in webhook_server.received)
    assert keys == {str(notification.idempotency_key): 1}
    assert Notification.objects.get().attempts == 2
