"""Housekeeping: history is kept for a bounded time."""

from __future__ import annotations

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
)


@dataclass(frozen=True, slots=True)
class PruneReport:
    dispatch_cycles: int
    telemetry_samples: int
    alerts: int = 0


def history_prune(
    *,
    now: datetime,
    dispatch_retention: timedelta,
    telemetry_retention: timedelta,
    alert_retention: timedelta = timedelta(days=90),
) -> PruneReport:
    """Delete dispatcher statistics, telemetry and resolved alerts (with their
    notifications) older than their retention, and finished test notifications too."""
    cycles, _ = DispatchCycle.objects.filter(started_at__lt=now - dispatch_retention).delete()
    samples, _ = TelemetrySample.objects.filter(recorded_at__lt=now - telemetry_retention).delete()
    alerts = Alert.objects.filter(state=AlertState.RESOLVED, resolved_at__lt=now - alert_retention)
    Notification.objects.filter(
        Q(alert__in=alerts)
        | Q(alert__isnull=True, created_at__lt=now - alert_retention)
        & ~Q(state__in=[NotificationState.PENDING, NotificationState.SENDING])
    ).delete()
    pruned = alerts.count()
    alerts.delete()
    return PruneReport(dispatch_cycles=cycles, telemetry_samples=samples, alerts=pruned)
