"""The beat rows: one dispatcher PeriodicTask per venue, owned by this one function."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from micboard.infrastructure.enqueuer import DISPATCH_TASK
from micboard.models import Venue

ROW_PREFIX = "micboard.dispatch:"
DISPATCH_EVERY_SECONDS = 1
PRUNE_ROW = "micboard.housekeeping:prune-history"
PRUNE_TASK = "micboard.history_prune"
PRUNE_EVERY_SECONDS = 300
ALERTS_ROW = "micboard.housekeeping:alerts-check"
ALERTS_TASK = "micboard.alerts_check"


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    created: int
    updated: int
    removed: int


def dispatcher_row_name(venue: Venue) -> str:
    return f"{ROW_PREFIX}{venue.slug}"


def schedules_apply(*, every_seconds: int = DISPATCH_EVERY_SECONDS) -> ScheduleReport:
    """Make the beat rows match the venues: idempotent, safe to run at every deploy."""
    created = updated = 0
    with transaction.atomic():
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=every_seconds, period=IntervalSchedule.SECONDS
        )
        wanted = {}
        for venue in Venue.objects.all():
            wanted[dispatcher_row_name(venue)] = venue
        existing = {
            row.name: row for row in PeriodicTask.objects.filter(name__startswith=ROW_PREFIX)
        }
        for name, venue in wanted.items():
            values = {
                "task": DISPATCH_TASK,
                "interval": interval,
                "args": f"[{venue.pk}]",
                "queue": venue.queue_name,
                "routing_key": venue.queue_name,
                "expire_seconds": max(1, every_seconds * 2),
                "enabled": True,
                "description": f"Dispatch due receiver syncs of {venue.name}",
            }
            row = existing.get(name)
            if row is None:
                PeriodicTask.objects.create(name=name, **values)
                created += 1
            elif any(getattr(row, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(row, field, value)
                row.save()
                updated += 1
        updated += _ensure_housekeeping_row(
            PRUNE_ROW,
            PRUNE_TASK,
            PRUNE_EVERY_SECONDS,
            "Delete dispatcher statistics and telemetry past their retention",
        )
        updated += _ensure_housekeeping_row(
            ALERTS_ROW,
            ALERTS_TASK,
            settings.MICBOARD_ALERT_CHECK_SECONDS,
            "Alerts no sync sees: unreached receivers, watched hours, escalations, the outbox",
        )
        stale = [name for name in existing if name not in wanted]
        removed, _ = PeriodicTask.objects.filter(name__in=stale).delete()
        if created or updated or removed:
            PeriodicTasks.update_changed()
    return ScheduleReport(created=created, updated=updated, removed=removed)


def _ensure_housekeeping_row(name: str, task: str, seconds: int, description: str) -> int:
    """A periodic row on the housekeeping queue; 1 when it had to change."""
    every, _ = IntervalSchedule.objects.get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    row = PeriodicTask.objects.filter(name=name).first()
    if row is not None and (row.task, row.interval_id, row.queue) == (task, every.pk, queue):
        return 0
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "interval": every,
            "queue": queue,
            "routing_key": queue,
            "expire_seconds": seconds,
            "enabled": True,
            "description": description,
        },
    )
    return 1
