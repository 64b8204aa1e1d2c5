"""Simulated trouble -> real worker syncs -> alerts -> outbox -> real SMTP and webhook servers."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from micboard.models import (
    Alert,
    AlertRule,
    AlertState,
    ContactChannel,
    Notification,
    NotificationState,
    Receiver,
    ReceiverStatus,
    RuleKind,
    Venue,
)
from micboard.simulator.scenario_file import Event
from micboard.simulator.timeline import Timeline
from micboard.workers.celery import app
from tests.conftest import StartFleet
from tests.mail_server import MailServer
from tests.services.alerts.conftest import add_contact
from tests.system.conftest import StartWorker, register_fleet
from tests.waiting import wait_for
from tests.webhook_server import WebhookServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


@pytest.fixture(autouse=True)
def _short_device_timeout(settings: Settings) -> None:
    settings.MICBOARD_DEVICE_TIMEOUT = 1.0


def dispatch(venue: Venue) -> None:
    queue = venue.queue_name
    app.send_task("micboard.dispatch_due_syncs", args=[venue.pk], queue=queue, routing_key=queue)


def check() -> None:
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    app.send_task("micboard.alerts_check", queue=queue, routing_key=queue)


def online(receivers: list[Receiver]) -> int:
    return Receiver.objects.filter(
        pk__in=[r.pk for r in receivers], status=ReceiverStatus.ONLINE
    ).count()


def alert_states(venue: Venue) -> dict[str, str]:
    return dict(Alert.objects.filter(venue=venue).values_list("rule__kind", "state"))


def test_trouble_opens_alerts_delivered_once_escalated_and_resolved(
    start_fleet: StartFleet,
    venue_worker: StartWorker,
    mail_server: MailServer,
    webhook_server: WebhookServer,
) -> None:
    fleet = start_fleet("ULXD4D", "ULXD4D", "ULXD4D", tick_interval=0.5)
    venue, receivers = register_fleet(fleet)
    AlertRule.objects.filter(venue=venue).update(delay_seconds=1, hold_seconds=1)
    AlertRule.objects.filter(venue=venue, kind=RuleKind.BATTERY).update(escalate_after_minutes=0)
    add_contact(venue, step=0)
    add_contact(venue, step=0, channel=ContactChannel.WEBHOOK, target=webhook_server.url)
    add_contact(venue, step=1, target="manager@example.test")
    for simulated in fleet.receivers:  # fresh batteries everywhere before the show
        for channel in (1, 2):
            simulated.set_battery(channel, 5, 480)
    timeline = Timeline(
        (
            Event("battery_drain", receivers=(0,), channel=1, every=600, params={"minutes": 470}),
            Event("transmitter_off", receivers=(1,), channel=2),
            Event("offline", receivers=(2,)),
        ),
        fleet.receivers,
    )
    with venue_worker(venue, settings.CELERY_TASK_DEFAULT_QUEUE):
        dispatch(venue)
        wait_for(  # every receiver seen once before the trouble starts
            lambda: dispatch(venue) or online(receivers) == len(receivers),
            timeout=15,
            interval=0.3,
            what="every receiver online",
        )
        timeline.start()
        try:

            def all_open() -> bool:
                dispatch(venue)
                return (
                    set(alert_states(venue).values()) == {AlertState.OPEN}
                    and len(alert_states(venue)) == 3
                )

            wait_for(all_open, timeout=45, interval=0.5, what="three alerts open")
            check()  # the battery alert escalates to the manager at once
            wait_for(
                lambda: any(m["To"] == "manager@example.test" for m in mail_server.messages),
                timeout=20,
                what="the escalation email",
            )
        finally:
            timeline.stop()
        fleet.receiver(0).set_battery(1, 5, 480)  # the show is over: all back to normal
        fleet.receiver(1).set_transmitter(2, True)
        fleet.receiver(2).online = True

        def all_resolved() -> bool:
            dispatch(venue)
            return set(alert_states(venue).values()) == {AlertState.RESOLVED}

        wait_for(all_resolved, timeout=45, interval=0.5, what="every alert resolved")
        wait_for(
            lambda: not Notification.objects.exclude(state=NotificationState.SENT).exists(),
            timeout=30,
            what="every notification sent",
        )
    alerts = Alert.objects.filter(venue=venue)
    assert {a.rule.kind for a in alerts} == {
        RuleKind.BATTERY,
        RuleKind.TRANSMITTER_LOST,
        RuleKind.RECEIVER_OFFLINE,
    }
    subjects = [m["Subject"] for m in mail_server.messages]
    assert sum("ALERT" in s for s in subjects) == 3
    assert sum("ESCALATED" in s for s in subjects) == 1
    assert sum("RESOLVED" in s for s in subjects) == 4  # three to step 0, one to the manager
    ids = Counter(m["Message-ID"] for m in mail_server.messages)
    assert set(ids.values()) == {1}  # delivered once each
    assert all(d.signature_ok for d in webhook_server.received)
    events = Counter(d.body["event"] for d in webhook_server.received)
    assert events == {"opened": 3, "resolved": 3}
    keys = Counter(d.headers["Idempotency-Key"] for d in webhook_server.received)
    assert set(keys.values()) == {1}
