"""AlertService: the one entry point the sync path, tasks, API, admin and commands call."""

from __future__ import annotations

from dataclasses import dataclass

from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.infrastructure.notification_queue import NotificationQueue
from micboard.models import (
    Alert,
    Contact,
    Notification,
    NotificationEvent,
    NotificationState,
    Receiver,
    Venue,
)
from micboard.services.alerts.delivery import DeliveryOutcome, NotificationDelivery
from micboard.services.alerts.evaluation import AlertEvaluator, Changes
from micboard.services.alerts.lifecycle import AlertLifecycle
from micboard.services.alerts.outbox import notification_rows
from micboard.services.alerts.quiet import HeldNotifications
from micboard.services.audit import Actor
from micboard.services.dto import WrittenBatch

CHECK_CHUNK = 500


@dataclass(frozen=True, slots=True)
class CheckReport:
    evaluated: int
    opened: int
    resolved: int
    escalated: int
    redelivered: int
    summaries: int = 0
    """Contacts whose quiet hours ended, sent what they held."""


@dataclass(frozen=True, slots=True)
class TestDelivery:
    contact: Contact
    outcome: DeliveryOutcome
    error: str


class DjangoAlertService:
    def __init__(
        self,
        *,
        clock: Clock,
        queue: NotificationQueue,
        delivery: NotificationDelivery,
        events: EventPublisher,
    ) -> None:
        self._clock = clock
        self._queue = queue
        self._evaluator = AlertEvaluator(clock=clock, queue=queue, events=events)
        self._lifecycle = AlertLifecycle(clock=clock, queue=queue, events=events)
        self._delivery = delivery
        self._held = HeldNotifications(clock=clock, queue=queue)

    def receivers_evaluate(self, *, receiver_ids: list[int]) -> Changes:
        return self._evaluator.receivers_evaluate(receiver_ids=receiver_ids)

    def batch_evaluate(self, *, batch: WrittenBatch) -> Changes:
        return self._evaluator.batch_evaluate(batch=batch)

    def alert_acknowledge(
        self, *, alert_id: int, by: str, note: str = "", actor: Actor | None = None
    ) -> Alert:
        return self._lifecycle.alert_acknowledge(alert_id=alert_id, by=by, note=note, actor=actor)

    def alert_resolve(self, *, alert_id: int, by: str, actor: Actor | None = None) -> Alert:
        return self._lifecycle.alert_resolve(alert_id=alert_id, by=by, actor=actor)

    def alerts_check(self) -> CheckReport:
        """What no sync sees: receivers no worker reached, watched hours starting or
        ending, escalations due, and outbox rows a lost message or a killed worker left."""
        ids = list(
            Receiver.objects.filter(enabled=True).order_by("pk").values_list("pk", flat=True)
        )
        opened = resolved = 0
        for start in range(0, len(ids), CHECK_CHUNK):
            changes = self._evaluator.receivers_evaluate(
                receiver_ids=ids[start : start + CHECK_CHUNK]
            )
            opened += sum(1 for _, e in changes.events if e == NotificationEvent.OPENED)
            resolved += sum(1 for _, e in changes.events if e == NotificationEvent.RESOLVED)
        escalated = self._lifecycle.alerts_escalate()
        summaries = self._held.held_release()
        due = self._delivery.notifications_due()
        self._queue.deliver(due)
        return CheckReport(len(ids), opened, resolved, escalated, len(due), summaries)

    def notification_deliver(self, *, notification_id: int) -> DeliveryOutcome:
        return self._delivery.notification_deliver(notification_id=notification_id)

    def venue_notify_test(self, *, venue: Venue) -> list[TestDelivery]:
        """Send a test through every enabled contact of ``venue`` now, one attempt each."""
        contacts = list(
            Contact.objects.select_related("contact_list").filter(
                contact_list__venue=venue, enabled=True
            )
        )
        rows = notification_rows(
            alert=None,
            venue_id=venue.pk,
            time_zone=venue.time_zone,
            contacts=contacts,
            event=NotificationEvent.TEST,
            now=self._clock.now(),
        )
        for row in rows:  # a test ignores quiet hours: someone is asking for it now
            row.state, row.next_attempt_at = NotificationState.PENDING, row.created_at
        saved = Notification.objects.bulk_create(rows)
        results = []
        for row in saved:
            outcome = self._delivery.notification_deliver(notification_id=row.pk)
            # A test is tried once: whoever asked reads the outcome now, nothing retries it.
            Notification.objects.filter(pk=row.pk, state=NotificationState.PENDING).update(
                state=NotificationState.FAILED
            )
            error = Notification.objects.values_list("last_error", flat=True).get(pk=row.pk)
            results.append(TestDelivery(row.contact, outcome, error))
        return results
