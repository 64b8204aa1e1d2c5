"""The outbox: notification rows for an alert's events, to each contact of the right list."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from micboard.models import Alert, Contact, Notification, NotificationEvent, NotificationState
from micboard.services.alerts.watch import quiet_hours_end, venue_zone


class ContactBook:
    """The enabled contacts of some venues, by escalation step (one query)."""

    def __init__(self, venue_ids: set[int]) -> None:
        lists: dict[int, dict[int, list[Contact]]] = defaultdict(lambda: defaultdict(list))
        if venue_ids:
            # Never the webhook secret: a venue worker's database role cannot read it.
            contacts = Contact.objects.select_related("contact_list__venue").defer(
                "secret_encrypted"
            )
            for contact in contacts.filter(contact_list__venue_id__in=venue_ids, enabled=True):
                step = contact.contact_list.escalation_order
                lists[contact.contact_list.venue_id][step].append(contact)
        self._steps = {venue: [by[k] for k in sorted(by)] for venue, by in lists.items()}

    def steps(self, venue_id: int) -> int:
        return len(self._steps.get(venue_id, []))

    def at(self, venue_id: int, level: int) -> list[Contact]:
        steps = self._steps.get(venue_id, [])
        return steps[level] if level < len(steps) else []

    def up_to(self, venue_id: int, level: int) -> list[Contact]:
        steps = self._steps.get(venue_id, [])
        return [c for step in steps[: level + 1] for c in step]


def notification_rows(
    *,
    alert: Alert | None,
    venue_id: int,
    time_zone: str,
    contacts: list[Contact],
    event: NotificationEvent,
    now: datetime,
) -> list[Notification]:
    """One unsaved row per contact; a contact in quiet hours gets a row held until they
    end, when a summary of everything held goes out instead."""
    zone = venue_zone(time_zone)
    rows = []
    for contact in contacts:
        quiet_end = quiet_hours_end(
            quiet_from=contact.quiet_from, quiet_until=contact.quiet_until, zone=zone, now=now
        )
        rows.append(
            Notification(
                venue_id=venue_id,
                alert=alert,
                contact=contact,
                event=event,
                state=NotificationState.PENDING if quiet_end is None else NotificationState.HELD,
                next_attempt_at=quiet_end or now,
                created_at=now,
            )
        )
    return rows


def events_rows(
    book: ContactBook, events: list[tuple[Alert, NotificationEvent]], *, now: datetime
) -> list[Notification]:
    """Rows for alert events: opened to step 0, escalated to the alert's step, resolved to
    every step it reached."""
    rows: list[Notification] = []
    for alert, event in events:
        if event == NotificationEvent.RESOLVED:
            contacts = book.up_to(alert.venue_id, alert.escalation_level)
        else:
            contacts = book.at(alert.venue_id, alert.escalation_level)
        rows += notification_rows(
            alert=alert,
            venue_id=alert.venue_id,
            time_zone=alert.venue.time_zone,
            contacts=contacts,
            event=event,
            now=now,
        )
    return rows
