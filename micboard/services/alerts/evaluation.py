"""Evaluating a venue's rules on a batch of receivers in a fixed number of queries.

Called right after a sync's batch write, and by the periodic check for what no sync sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from django.db import IntegrityError, transaction

from micboard.infrastructure.bulk import update_rows
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.infrastructure.notification_queue import NotificationQueue
from micboard.models import (
    ACTIVE_STATES,
    Alert,
    AlertRule,
    AlertState,
    Channel,
    Notification,
    NotificationEvent,
    NotificationState,
    Receiver,
)
from micboard.services.alerts.conditions import Finding, findings, rule_applies
from micboard.services.alerts.outbox import ContactBook, events_rows
from micboard.services.alerts.settings_cache import AlertSettingsCache
from micboard.services.alerts.watch import is_watched, venue_zone
from micboard.services.dto import WrittenBatch

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class Changes:
    """What one evaluation writes."""

    created: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    events: list[tuple[Alert, NotificationEvent]] = field(default_factory=list)


_UPDATED_FIELDS = [
    "state",
    "summary",
    "count",
    "cleared_since",
    "opened_at",
    "resolved_at",
    "resolved_by",
]


class AlertEvaluator:
    def __init__(self, *, clock: Clock, queue: NotificationQueue, events: EventPublisher) -> None:
        self._clock = clock
        self._queue = queue
        self._events = events
        self._settings = AlertSettingsCache(clock=clock)

    def receivers_evaluate(self, *, receiver_ids: list[int]) -> Changes:
        """Open, count, clear and resolve the alerts of these receivers, as the database
        holds them: 3 reads (6 when a venue's settings must be read again, see
        ``AlertSettingsCache``), and at most 5 writes when something changed, whatever the
        batch's size."""
        receivers = list(
            Receiver.objects.select_related("venue").filter(pk__in=receiver_ids).order_by("pk")
        )
        if not receivers:
            return Changes()
        channels: dict[int, list[Channel]] = defaultdict(list)
        for channel in Channel.objects.filter(receiver_id__in=receiver_ids).order_by("number"):
            channels[channel.receiver_id].append(channel)
        return self._evaluate(receivers, channels)

    def batch_evaluate(self, *, batch: WrittenBatch) -> Changes:
        """``receivers_evaluate`` on a batch just written, from the rows its write holds
        (each receiver with its venue, the answered ones' channels): 1 read (4 when a
        venue's settings must be read again), and the same writes."""
        if not batch.receivers:
            return Changes()
        return self._evaluate(batch.receivers, batch.channels)

    def _evaluate(
        self, receivers: list[Receiver], channels: Mapping[int, list[Channel]]
    ) -> Changes:
        now = self._clock.now()
        venues = {r.venue_id: r.venue for r in receivers}
        settings = self._settings.venues_settings(venues, now)
        rules: dict[int, AlertRule] = {}
        enabled: dict[int, list[AlertRule]] = defaultdict(list)
        for venue_settings in settings.values():
            for rule in venue_settings.rules:
                rules[rule.pk] = rule
                if rule.enabled:
                    enabled[rule.venue_id].append(rule)
        watched = {
            pk: is_watched(
                zone=venue_zone(venue.time_zone),
                weekly=list(settings[pk].weekly),
                events=settings[pk].events_at(now),
                now=now,
            )
            for pk, venue in venues.items()
        }
        active: dict[tuple[int, str], Alert] = {}
        for alert in Alert.objects.filter(
            receiver_id__in=[r.pk for r in receivers], state__in=ACTIVE_STATES
        ).order_by():
            # Their rule and venue are in hand: no join, no instances built twice.
            if alert.rule_id in rules:
                alert.rule = rules[alert.rule_id]
            if alert.venue_id in venues:
                alert.venue = venues[alert.venue_id]
            active[(alert.rule_id, alert.subject)] = alert
        found: list[Finding] = []
        for receiver in receivers:
            for rule in enabled[receiver.venue_id]:
                if rule_applies(rule, watched=watched[receiver.venue_id]):
                    found += findings(rule, receiver, channels.get(receiver.pk, []), now=now)
        changes = self._transitions(found, active, now)
        self._write(changes, set(venues), now)
        return changes

    @staticmethod
    def _transitions(
        found: list[Finding], active: dict[tuple[int, str], Alert], now: datetime
    ) -> Changes:
        changes = Changes()
        for finding in found:
            alert = active.pop((finding.rule.pk, finding.subject), None)
            if alert is None:
                alert = Alert(
                    venue_id=finding.receiver.venue_id,
                    venue=finding.receiver.venue,
                    rule=finding.rule,
                    receiver=finding.receiver,
                    channel=finding.channel,
                    subject=finding.subject,
                    state=AlertState.PENDING,
                    summary=finding.summary,
                    condition_since=finding.since,
                )
                changes.created.append(alert)
            elif alert.state != AlertState.PENDING and alert.cleared_since is not None:
                alert.cleared_since = None  # back before it resolved: the same alert, again
                alert.count += 1
                changes.updated.append(alert)
            elif alert.summary != finding.summary:
                changes.updated.append(alert)
            alert.summary = finding.summary
            delay = timedelta(seconds=finding.rule.delay_seconds)
            if alert.state == AlertState.PENDING and now - alert.condition_since >= delay:
                alert.state, alert.opened_at = AlertState.OPEN, now
                changes.events.append((alert, NotificationEvent.OPENED))
                if alert.pk and alert not in changes.updated:
                    changes.updated.append(alert)
        for alert in active.values():
            AlertEvaluator._cleared(alert, changes, now)
        return changes

    @staticmethod
    def _cleared(alert: Alert, changes: Changes, now: datetime) -> None:
        """A condition that no longer holds: a pending alert goes, a raised one resolves
        once it has stayed clear for the rule's hold time."""
        if alert.state == AlertState.PENDING:
            changes.dropped.append(alert.pk)
            return
        if alert.cleared_since is None:
            alert.cleared_since = now
        if now - alert.cleared_since >= timedelta(seconds=alert.rule.hold_seconds):
            alert.state, alert.resolved_at, alert.resolved_by = AlertState.RESOLVED, now, ""
            changes.events.append((alert, NotificationEvent.RESOLVED))
        changes.updated.append(alert)

    def _write(self, changes: Changes, venue_ids: set[int], now: datetime) -> None:
        notifications: list[Notification] = []
        try:
            with transaction.atomic():
                if changes.created:
                    Alert.objects.bulk_create(changes.created)
                if changes.updated:  # in key order, so concurrent evaluations cannot deadlock
                    ordered = sorted(changes.updated, key=lambda a: a.pk)
                    update_rows(Alert, ordered, _UPDATED_FIELDS)
                if changes.dropped:
                    Alert.objects.filter(pk__in=changes.dropped).delete()
                if changes.events:
                    rows = events_rows(ContactBook(venue_ids), changes.events, now=now)
                    notifications = Notification.objects.bulk_create(rows)
        except IntegrityError:
            # Another evaluation of the same receivers won the race; the next one catches up.
            log.info("alert_evaluation_raced", alerts=len(changes.created))
            return
        for alert, event in changes.events:
            log.info("alert_" + event, alert_id=alert.pk, summary=alert.summary)
        # The wall shows raised alerts: an alert opened or resolved is a change to show.
        self._events.receivers_changed(
            list(dict.fromkeys((a.receiver_id, a.venue_id) for a, _ in changes.events))
        )
        due = [n.pk for n in notifications if n.state == NotificationState.PENDING]
        if due:
            transaction.on_commit(lambda: self._queue.deliver(due))
