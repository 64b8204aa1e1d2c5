"""Reading the dispatcher's per-cycle statistics for operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Max, Sum

from micboard.models import DispatchCycle


@dataclass(frozen=True, slots=True)
class DispatchSummary:
    cycles: int
    due: int
    enqueued: int
    skipped_locked: int
    late: int
    max_duration_ms: int
    avg_duration_ms: float
    last_cycle_at: datetime | None


def venue_dispatch_summary(*, venue_id: int, now: datetime, window: timedelta) -> DispatchSummary:
    """Totals over ``window`` up to ``now``, in one query."""
    totals = DispatchCycle.objects.filter(
        venue_id=venue_id, started_at__gte=now - window
    ).aggregate(
        cycles=Count("pk"),
        due=Sum("due"),
        enqueued=Sum("enqueued"),
        skipped=Sum("skipped_locked"),
        late=Sum("late"),
        max_ms=Max("duration_ms"),
        avg_ms=Avg("duration_ms"),
        last=Max("started_at"),
    )
    return DispatchSummary(
        cycles=totals["cycles"] or 0,
        due=totals["due"] or 0,
        enqueued=totals["enqueued"] or 0,
        skipped_locked=totals["skipped"] or 0,
        late=totals["late"] or 0,
        max_duration_ms=totals["max_ms"] or 0,
        avg_duration_ms=float(totals["avg_ms"] or 0.0),
        last_cycle_at=totals["last"],
    )


def venue_recent_cycles(*, venue_id: int, limit: int = 20) -> list[DispatchCycle]:
    return list(DispatchCycle.objects.filter(venue_id=venue_id).order_by("-started_at")[:limit])
