"""Alerts with the deployed processes: a real `celery worker` on the housekeeping queue,
`celery beat` running the periodic check, Flower watching, a real SMTP server."""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from micboard.composition import device_service
from micboard.devtools.processes import Child, ProcessGroup, tail
from micboard.models import Alert, AlertRule, AlertState, RuleKind, Venue
from micboard.workers.celery import app
from tests.factories import make_receiver, make_venue, snapshot
from tests.mail_server import MailServer
from tests.ports import free_port
from tests.services.alerts.conftest import add_contact
from tests.system.conftest import celery_command, child_env
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

FLOWER_AUTH = "ops:flower-test-password"


def battery_only_venue() -> Venue:
    """A venue that alerts on batteries only: nothing polls its receiver in these tests."""
    venue = make_venue("Chapel")
    AlertRule.objects.filter(venue=venue).exclude(kind=RuleKind.BATTERY).update(enabled=False)
    return venue


# Flower sees the task events of every worker on the broker, other test processes' too: this
# process's housekeeping worker has a name of its own.
NODE = f"housekeeping-{os.getpid()}"


def housekeeping_worker(processes: ProcessGroup, mail_server: MailServer) -> Child:
    env = child_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail_server.port))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return processes.start(
        "housekeeping",
        celery_command("worker", "-Q", queue, "-P", "threads", "-c", "2", "-E", "-n", f"{NODE}@%h"),
        env,
    )


def open_battery_alert(venue: Venue) -> Alert:
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=1))
    return Alert.objects.get(venue=venue, state=AlertState.OPEN)


def emails_to(mail_server: MailServer, address: str) -> list[tuple[float, str]]:
    return [
        (at, str(message["Subject"]))
        for at, message in mail_server.arrived()
        if message["To"] == address
    ]


@pytest.mark.timeout(240)
def test_beat_escalates_an_unacknowledged_alert_after_its_real_minute(
    processes: ProcessGroup, mail_server: MailServer, settings: Settings, tmp_path: Path
) -> None:
    settings.MICBOARD_ALERT_CHECK_SECONDS = 2  # the beat row the venue gets
    venue = battery_only_venue()
    AlertRule.objects.filter(venue=venue, kind=RuleKind.BATTERY).update(escalate_after_minutes=1)
    add_contact(venue, step=0)
    add_contact(venue, step=1, target="manager@example.test")
    worker = housekeeping_worker(processes, mail_server)
    beat = processes.start(
        "beat", celery_command("beat", "-s", str(tmp_path / "schedule")), child_env()
    )

    def running() -> None:
        assert processes.first_exited() is None, tail(worker.log_path) + tail(beat.log_path)

    alert = open_battery_alert(venue)
    assert alert.opened_at is not None
    wait_for(
        lambda: running() or emails_to(mail_server, "lead0@example.test"),
        timeout=30,
        interval=0.5,
        what="the opening email to the first list",
    )
    (escalation,) = wait_for(
        lambda: running() or emails_to(mail_server, "manager@example.test"),
        timeout=60 + 60,
        interval=0.5,
        what="the escalation email a minute later",
    )
    arrived, subject = escalation
    assert subject.startswith("[micboard] ESCALATED Chapel: ")
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert alert.escalated_at is not None
    assert (alert.escalated_at - alert.opened_at).total_seconds() >= 60
    assert arrived >= alert.opened_at.timestamp() + 60  # not a moment before its minute
    time.sleep(6)  # three more checks: no further list, no second escalation email
    assert len(emails_to(mail_server, "manager@example.test")) == 1
    assert Alert.objects.get(pk=alert.pk).escalation_level == 1


def flower_get(port: int, path: str) -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    token = base64.b64encode(FLOWER_AUTH.encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        body = response.read()
    return json.loads(body) if body[:1] in (b"{", b"[") else body.decode()


def flower_answers(port: int) -> bool:
    try:
        return flower_get(port, "/healthcheck") == "OK"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def tasks_named(port: int, name: str) -> list[dict[str, Any]]:
    tasks = flower_get(port, f"/api/tasks?taskname={name}&limit=50")
    return [
        task
        for task in tasks.values()
        if task.get("state") == "SUCCESS" and str(task.get("worker", "")).startswith(f"{NODE}@")
    ]


def test_flower_shows_each_alert_task_by_name(
    processes: ProcessGroup, mail_server: MailServer
) -> None:
    venue = battery_only_venue()
    add_contact(venue)
    port = free_port()
    flower = processes.start(
        "flower",
        celery_command("flower", f"--port={port}", "--address=127.0.0.1"),
        child_env(FLOWER_BASIC_AUTH=FLOWER_AUTH),
    )
    worker = housekeeping_worker(processes, mail_server)

    def running() -> None:
        assert processes.first_exited() is None, tail(flower.log_path) + tail(worker.log_path)

    wait_for(lambda: running() or flower_answers(port), timeout=30, what="Flower to answer")
    wait_for(
        lambda: (
            running() or any(f"{NODE}@" in w for w in flower_get(port, "/api/workers?refresh=1"))
        ),
        timeout=30,
        interval=0.5,
        what="Flower to see the housekeeping worker",
    )
    alert = open_battery_alert(venue)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    app.send_task("micboard.alerts_check", queue=queue, routing_key=queue)
    delivered = wait_for(
        lambda: running() or tasks_named(port, "micboard.notifications_deliver"),
        timeout=30,
        interval=0.5,
        what="Flower to list the delivery task",
    )
    checked = wait_for(
        lambda: running() or tasks_named(port, "micboard.alerts_check"),
        timeout=30,
        interval=0.5,
        what="Flower to list the periodic check",
    )
    assert [t["name"] for t in delivered] == ["micboard.notifications_deliver"]
    notification = alert.notifications.get()
    assert f"[{notification.pk}]" in delivered[0]["kwargs"]  # findable by its notification id
    assert delivered[0]["worker"].startswith(f"{NODE}@")
    assert [t["name"] for t in checked] == ["micboard.alerts_check"]
    assert emails_to(mail_server, "lead0@example.test")  # the task Flower showed did send
