"""What a notification says: a one-line text, an email subject, the webhook's JSON body."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from micboard.models import Alert, Notification, NotificationEvent


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def notification_text(notification: Notification) -> str:
    venue = notification.venue.name
    alert = notification.alert
    if alert is None:
        return f"[micboard] Test notification from {venue}: this channel works."
    verb = {
        NotificationEvent.OPENED: "ALERT",
        NotificationEvent.ESCALATED: "ESCALATED",
        NotificationEvent.RESOLVED: "RESOLVED",
    }.get(NotificationEvent(notification.event), notification.event.upper())
    repeats = f" ({alert.count} times)" if alert.count > 1 else ""
    return f"[micboard] {verb} {venue}: {alert.summary}{repeats}"


def _alert_body(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "rule": alert.rule.kind,
        "state": alert.state,
        "summary": alert.summary,
        "receiver_id": alert.receiver_id,
        "channel_id": alert.channel_id,
        "count": alert.count,
        "escalation_level": alert.escalation_level,
        "condition_since": _iso(alert.condition_since),
        "opened_at": _iso(alert.opened_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
        "resolved_at": _iso(alert.resolved_at),
        "resolved_by": alert.resolved_by,
    }


def webhook_body(notification: Notification) -> bytes:
    """JSON with ``text`` (what chat tools show) beside the structured fields."""
    body = {
        "text": notification_text(notification),
        "event": notification.event,
        "idempotency_key": str(notification.idempotency_key),
        "venue": {"slug": notification.venue.slug, "name": notification.venue.name},
        "alert": _alert_body(notification.alert) if notification.alert else None,
        "created_at": _iso(notification.created_at),
    }
    return json.dumps(body, separators=(",", ":")).encode()
