"""What a notification says: a one-line text, an email subject, the webhook's JSON body."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from micboard.models import RAISED_STATES, Alert, Notification, NotificationEvent
from micboard.services.alerts.watch import venue_zone


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


_VERBS = {
    NotificationEvent.OPENED: "ALERT",
    NotificationEvent.ESCALATED: "ESCALATED",
    NotificationEvent.RESOLVED: "RESOLVED",
}


def held_rows(summary: Notification) -> list[Notification]:
    """The notifications a quiet-hours summary carries, oldest first (one query)."""
    return list(summary.summarised.select_related("alert__rule").order_by("created_at", "pk"))


def summary_lines(summary: Notification, held: list[Notification]) -> list[str]:
    """A heading, then one line per alert: what happened in quiet hours and its state now."""
    zone = venue_zone(summary.venue.time_zone)
    happened: dict[int, list[str]] = {}
    alerts: dict[int, Alert] = {}
    for row in held:
        if row.alert is None:
            continue
        alerts[row.alert.pk] = row.alert
        moment = row.created_at.astimezone(zone).strftime("%H:%M")
        happened.setdefault(row.alert.pk, []).append(f"{row.event} {moment}")
    still = sum(1 for alert in alerts.values() if alert.state in RAISED_STATES)
    heading = (
        f"[micboard] SUMMARY {summary.venue.name}: {len(alerts)} alert"
        f"{'s' * (len(alerts) != 1)} during quiet hours, {still} still raised"
    )
    lines = [heading]
    for pk, alert in alerts.items():
        lines.append(f"- {alert.summary}: {', '.join(happened[pk])}; now {alert.state}")
    return lines


def notification_text(notification: Notification) -> str:
    venue = notification.venue.name
    alert = notification.alert
    if notification.event == NotificationEvent.SUMMARY:
        return summary_lines(notification, held_rows(notification))[0]
    if alert is None:
        return f"[micboard] Test notification from {venue}: this channel works."
    verb = _VERBS.get(NotificationEvent(notification.event), notification.event.upper())
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


def email_message(notification: Notification) -> tuple[str, str]:
    """The subject and body of the notification's email."""
    if notification.event == NotificationEvent.SUMMARY:
        lines = summary_lines(notification, held_rows(notification))
        return lines[0], "\n".join(lines)
    text = notification_text(notification)
    return text, text


def webhook_body(notification: Notification) -> bytes:
    """JSON with ``text`` (what chat tools show) beside the structured fields; a summary
    lists what it carries under ``held``."""
    body: dict[str, Any] = {
        "text": notification_text(notification),
        "event": notification.event,
        "idempotency_key": str(notification.idempotency_key),
        "venue": {"slug": notification.venue.slug, "name": notification.venue.name},
        "alert": _alert_body(notification.alert) if notification.alert else None,
        "created_at": _iso(notification.created_at),
    }
    if notification.event == NotificationEvent.SUMMARY:
        held = held_rows(notification)
        body["text"] = "\n".join(summary_lines(notification, held))
        body["held"] = [
            {
                "event": row.event,
                "created_at": _iso(row.created_at),
                "alert": _alert_body(row.alert) if row.alert else None,
            }
            for row in held
        ]
    return json.dumps(body, separators=(",", ":")).encode()
