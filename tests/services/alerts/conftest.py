"""Alert services wired with a clock the test moves, publishing to this run's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.conf import settings

from micboard.composition import celery_app, secret_box
from micboard.infrastructure.notification_queue import CeleryNotificationQueue
from micboard.infrastructure.notifiers import DjangoEmailSender, UrllibWebhookPoster
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Contact, ContactChannel, ContactList, Receiver, Venue
from micboard.services.alerts.configuration import ContactInput, contact_save
from micboard.services.alerts.delivery import DeliveryPolicy, NotificationDelivery
from micboard.services.alerts.service import DjangoAlertService
from micboard.services.dto import PolledSnapshot, UnreachablePoll
from micboard.services.poll_results import PollResultWriter
from tests.clock import SteppedClock
from tests.conftest import WEBHOOK_SECRET


class NoEvents:
    """The wall's events are not what these tests look at."""

    def receivers_changed(self, changes: list[tuple[int, int]]) -> None:
        return None

    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None:
        return None


@dataclass
class AlertBench:
    clock: SteppedClock
    alerts: DjangoAlertService
    writer: PollResultWriter

    def answer(self, receiver: Receiver, *bars: int | None, runtime: int | None = None) -> None:
        """The receiver answers with one channel per ``bars`` value, then rules run."""
        receiver.refresh_from_db()
        channels = tuple(
            ChannelSnapshot(number=n, name=f"Mic {n}", battery_bars=b, runtime_minutes=runtime)
            for n, b in enumerate(bars, start=1)
        )
        self.writer.apply(
            answered=[PolledSnapshot(receiver, ReceiverSnapshot(channels=channels))],
            unreachable=[],
        )
        self.alerts.receivers_evaluate(receiver_ids=[receiver.pk])

    def silent(self, receiver: Receiver) -> None:
        receiver.refresh_from_db()
        self.writer.apply(answered=[], unreachable=[UnreachablePoll(receiver, "refused")])
        self.alerts.receivers_evaluate(receiver_ids=[receiver.pk])


def alert_service_for(clock: SteppedClock, delivery: NotificationDelivery) -> DjangoAlertService:
    queue = CeleryNotificationQueue(celery_app(), queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    return DjangoAlertService(clock=clock, queue=queue, delivery=delivery, events=NoEvents())


def delivery_for(clock: SteppedClock, *, timeout: float = 5.0) -> NotificationDelivery:
    return NotificationDelivery(
        clock=clock,
        email=DjangoEmailSender(from_email="micboard@test.invalid", timeout=timeout),
        webhook=UrllibWebhookPoster(timeout=timeout),
        policy=DeliveryPolicy(max_attempts=3, first_retry_seconds=1, lease_seconds=30),
        secrets=secret_box(),
    )


@pytest.fixture
def bench() -> AlertBench:
    clock = SteppedClock()
    return AlertBench(
        clock=clock,
        alerts=alert_service_for(clock, delivery_for(clock)),
        writer=PollResultWriter(
            clock=clock, events=NoEvents(), telemetry_interval=timedelta(hours=1)
        ),
    )


def add_contact(
    venue: Venue,
    *,
    step: int = 0,
    channel: str = ContactChannel.EMAIL,
    target: str = "",
    **quiet: time,
) -> Contact:
    contact_list, _ = ContactList.objects.get_or_create(
        venue=venue, escalation_order=step, defaults={"name": f"Step {step}"}
    )
    return contact_save(
        contact_list=contact_list,
        data=ContactInput(
            name=f"Contact {step}",
            channel=channel,
            target=target or f"lead{step}@example.test",
            secret=WEBHOOK_SECRET if channel == ContactChannel.WEBHOOK else None,
            **quiet,
        ),
        box=secret_box(),
        contact=None,
    )
