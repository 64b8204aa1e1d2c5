"""What people and time do to an open alert: acknowledge, resolve by hand, escalate."""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.db import transaction

from micboard.exceptions import ConflictError, NotFoundError
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.infrastructure.notification_queue import NotificationQueue
from micboard.models import (
    RAISED_STATES,
    Alert,
    AlertState,
    AuditAction,
    Notification,
    NotificationEvent,
    NotificationState,
)
from micboard.services.alerts.outbox import ContactBook, events_rows
from micboard.services.audit import Actor, audit_record

log = structlog.get_logger(__name__)

NOTE_LIMIT = 2000


def _audit(alert: Alert, action: AuditAction, actor: Actor, *, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        venue=alert.venue,
        target=f"alert {alert.pk} {alert.summary}"[:200],
        changes={"note": note[:NOTE_LIMIT]} if note else {},
    )


class AlertLifecycle:
    def __init__(self, *, clock: Clock, queue: NotificationQueue, events: EventPublisher) -> None:
        self._clock = clock
        self._queue = queue
        self._events = events

    def _raised(self, alert_id: int) -> Alert:
        alert = Alert.objects.select_related("venue", "rule").filter(pk=alert_id).first()
        if alert is None:
            raise NotFoundError(f"alert {alert_id} does not exist")
        if alert.state not in RAISED_STATES:
            raise ConflictError(
                f"alert {alert_id} is {alert.state}", details={"state": alert.state}
            )
        return alert

    def alert_acknowledge(
        self, *, alert_id: int, by: str, note: str = "", actor: Actor | None = None
    ) -> Alert:
        """Someone is on it: no escalation from now on. Acknowledging twice keeps the first."""
        alert = self._raised(alert_id)
        if alert.state == AlertState.ACKNOWLEDGED:
            return alert
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = self._clock.now()
        alert.acknowledged_by = by[:150]
        alert.acknowledgement_note = note[:NOTE_LIMIT]
        with transaction.atomic():
            alert.save(
                update_fields=[
                    "state",
                    "acknowledged_at",
                    "acknowledged_by",
                    "acknowledgement_note",
                ]
            )
            _audit(alert, AuditAction.ALERT_ACKNOWLEDGED, actor or Actor(by), note=note)
        self._events.receiver_changed(receiver_id=alert.receiver_id, venue_id=alert.venue_id)
        log.info("alert_acknowledged", alert_id=alert.pk, by=by)
        return alert

    def alert_resolve(self, *, alert_id: int, by: str, actor: Actor | None = None) -> Alert:
        """Resolved by hand; everyone notified of it hears so. A condition still holding
        opens a new alert (after the rule's delay) at the next evaluation."""
        alert = self._raised(alert_id)
        now = self._clock.now()
        alert.state, alert.resolved_at, alert.resolved_by = AlertState.RESOLVED, now, by[:150]
        with transaction.atomic():
            alert.save(update_fields=["state", "resolved_at", "resolved_by"])
            _audit(alert, AuditAction.ALERT_RESOLVED, actor or Actor(by))
            rows = events_rows(
                ContactBook({alert.venue_id}), [(alert, NotificationEvent.RESOLVED)], now=now
            )
            self._send(Notification.objects.bulk_create(rows))
        self._events.receiver_changed(receiver_id=alert.receiver_id, venue_id=alert.venue_id)
        log.info("alert_resolved", alert_id=alert.pk, by=by)
        return alert

    def alerts_escalate(self) -> int:
        """Hand every open, unacknowledged alert past its rule's escalation time to the next
        contact list, if there is one; returns how many moved."""
        now = self._clock.now()
        candidates = [
            alert
            for alert in Alert.objects.select_related("rule", "venue").filter(
                state=AlertState.OPEN, rule__escalate_after_minutes__isnull=False
            )
            if alert.rule.escalate_after_minutes is not None
            and now - (alert.escalated_at or alert.opened_at or now)
            >= timedelta(minutes=alert.rule.escalate_after_minutes)
        ]
        if not candidates:
            return 0
        book = ContactBook({a.venue_id for a in candidates})
        moved = [a for a in candidates if a.escalation_level + 1 < book.steps(a.venue_id)]
        for alert in moved:
            alert.escalation_level += 1
            alert.escalated_at = now
        with transaction.atomic():
            Alert.objects.bulk_update(moved, ["escalation_level", "escalated_at"])
            rows = events_rows(book, [(a, NotificationEvent.ESCALATED) for a in moved], now=now)
            self._send(Notification.objects.bulk_create(rows))
        for alert in moved:
            log.info("alert_escalated", alert_id=alert.pk, level=alert.escalation_level)
        return len(moved)

    def _send(self, rows: list[Notification]) -> None:
        due = [n.pk for n in rows if n.state == NotificationState.PENDING]
        if due:
            transaction.on_commit(lambda: self._queue.deliver(due))
