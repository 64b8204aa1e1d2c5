"""Housekeeping: history is kept for a bounded time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from micboard.models import DispatchCycle, TelemetrySample


@dataclass(frozen=True, slots=True)
class PruneReport:
    dispatch_cycles: int
    telemetry_samples: int


def history_prune(
    *, now: datetime, dispatch_retention: timedelta, telemetry_retention: timedelta
) -> PruneReport:
    """Delete dispatcher statistics and telemetry older than their retention."""
    cycles, _ = DispatchCycle.objects.filter(started_at__lt=now - dispatch_retention).delete()
    samples, _ = TelemetrySample.objects.filter(recorded_at__lt=now - telemetry_retention).delete()
    return PruneReport(dispatch_cycles=cycles, telemetry_samples=samples)
