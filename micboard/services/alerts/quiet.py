"""Quiet hours: notifications held for a contact go out as one summary when they end.

A row for a contact in quiet hours is written ``held`` with ``next_attempt_at`` at their
end. The periodic check releases what is due: per contact one ``summary`` notification
(an ordinary outbox row, retried like any other) that lists every held event and each
alert's state now, and the held rows become ``summarised``, pointing at it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import structlog
from django.db import transaction

from micboard.infrastructure.clock import Clock
from micboard.infrastructure.notification_queue import NotificationQueue
from micboard.models import Notification, NotificationEvent, NotificationState
from micboard.services.alerts.watch import quiet_hours_end, venue_zone

log = structlog.get_logger(__name__)


class _RacedError(Exception):
    """Another check released the same rows first."""


class HeldNotifications:
    def __init__(self, *, clock: Clock, queue: NotificationQueue) -> None:
        self._clock = clock
        self._queue = queue

    def held_release(self) -> int:
        """Summaries for every contact whose quiet hours are over; returns how many.

        A contact whose quiet hours were changed meanwhile and still hold waits for their
        new end; a contact disabled meanwhile gets nothing (its rows are marked failed)."""
        now = self._clock.now()
        by_contact: dict[int, list[Notification]] = defaultdict(list)
        for row in Notification.objects.select_related("contact", "venue").filter(
            state=NotificationState.HELD, next_attempt_at__lte=now
        ):
            by_contact[row.contact_id].append(row)
        if not by_contact:
            return 0
        try:
            with transaction.atomic():
                summaries = [self._release(rows, now) for rows in by_contact.values()]
        except _RacedError:
            log.info("held_notifications_raced")
            return 0
        due = [summary.pk for summary in summaries if summary is not None]
        if due:
            transaction.on_commit(lambda: self._queue.deliver(due))
        for summary in summaries:
            if summary is not None:
                log.info("quiet_hours_summary", contact_id=summary.contact_id)
        return len(due)

    @staticmethod
    def _release(rows: list[Notification], now: datetime) -> Notification | None:
        contact, ids = rows[0].contact, [row.pk for row in rows]
        held = Notification.objects.filter(pk__in=ids, state=NotificationState.HELD)
        if not contact.enabled:
            _moved(held.update(state=NotificationState.FAILED, last_error="contact disabled"), ids)
            return None
        end = quiet_hours_end(
            quiet_from=contact.quiet_from,
            quiet_until=contact.quiet_until,
            zone=venue_zone(rows[0].venue.time_zone),
            now=now,
        )
        if end is not None:
            _moved(held.update(next_attempt_at=end), ids)
            return None
        summary = Notification.objects.create(
            venue_id=rows[0].venue_id,
            alert=None,
            contact=contact,
            event=NotificationEvent.SUMMARY,
            state=NotificationState.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        _moved(held.update(state=NotificationState.SUMMARISED, summary=summary), ids)
        return summary


def _moved(count: int, ids: list[int]) -> None:
    if count != len(ids):
        raise _RacedError
