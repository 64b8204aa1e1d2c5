"""Dispatcher statistics: one row per venue and dispatch cycle, kept for a bounded time."""

from __future__ import annotations

from django.db import models

from micboard.models.venues import Venue


class DispatchCycle(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="dispatch_cycles")
    started_at = models.DateTimeField()
    due = models.PositiveIntegerField(default=0)
    enqueued = models.PositiveIntegerField(default=0)
    skipped_locked = models.PositiveIntegerField(
        default=0, help_text="Due receivers still being synced by a worker (lock held)."
    )
    late = models.PositiveIntegerField(
        default=0, help_text="Due receivers overdue by more than one poll interval."
    )
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["venue", "-started_at"], name="dispatch_venue_time_idx")]

    def __str__(self) -> str:
        return f"{self.venue_id} @ {self.started_at:%H:%M:%S}: {self.enqueued}/{self.due}"
