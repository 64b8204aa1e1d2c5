"""Housekeeping: history is kept for a bounded time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from micboard.models import (
    Alert,
    AlertState,
    DispatchCycle,
    Notification,
    NotificationState,
    TelemetrySample,
    Venue,
)
from micboard.services.audit import audit_prune


@dataclass(frozen=True, slots=True)
class PruneReport:
    dispatch_cycles: int
    telemetry_samples: int
    alerts: int = 0
    audit_entries: int = 0


def _venue_retention(now: datetime, default: timedelta) -> Callable[[str, str], Q]:
    """A filter, by moment field and venue field, for rows past their venue's alert
    retention (its own, or ``default``): one condition per retention in use."""
    own = {
        days
        for days in Venue.objects.order_by()
        .values_list("alert_retention_days", flat=True)
        .distinct()
        if days is not None
    }

    def past(moment: str, venue: str) -> Q:
        condition = Q(
            **{f"{venue}__alert_retention_days__isnull": True, f"{moment}__lt": now - default}
        )
        for days in own:
            condition |= Q(
                **{
                    f"{venue}__alert_retention_days": days,
                    f"{moment}__lt": now - timedelta(days=days),
                }
            )
        return condition

    return past


def history_prune(
    *,
    now: datetime,
    dispatch_retention: timedelta,
    telemetry_retention: timedelta,
    alert_retention: timedelta = timedelta(days=90),
    audit_retention: timedelta = timedelta(days=365),
) -> PruneReport:
    """Delete dispatcher statistics, telemetry, resolved alerts (with their
    notifications) and audit entries older than their retention, and finished test
    notifications too."""
    cycles, _ = DispatchCycle.objects.filter(started_at__lt=now - dispatch_retention).delete()
    samples, _ = TelemetrySample.objects.filter(recorded_at__lt=now - telemetry_retention).delete()
    kept = _venue_retention(now, alert_retention)
    alerts = Alert.objects.filter(kept("resolved_at", "venue"), state=AlertState.RESOLVED)
    Notification.objects.filter(
        Q(alert__in=alerts)
        | Q(kept("created_at", "venue"), alert__isnull=True)
        & ~Q(
            state__in=[NotificationState.PENDING, NotificationState.SENDING, NotificationState.HELD]
        )
    ).delete()
    pruned = alerts.count()
    alerts.delete()
    audited = audit_prune(now=now, retention=audit_retention)
    return PruneReport(
        dispatch_cycles=cycles, telemetry_samples=samples, alerts=pruned, audit_entries=audited
    )
