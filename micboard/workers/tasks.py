"""Thin tasks: take ids, call one service function, log the outcome."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from structlog.contextvars import bound_contextvars

from micboard.composition import sync_service
from micboard.services.housekeeping import history_prune
from micboard.workers.celery import app

SYNC_SOFT_LIMIT = 15
SYNC_HARD_LIMIT = 20


@app.task(
    name="micboard.sync_receiver",
    ignore_result=True,
    soft_time_limit=SYNC_SOFT_LIMIT,
    time_limit=SYNC_HARD_LIMIT,
)
def sync_receiver(receiver_id: int, venue: str = "", reason: str = "schedule") -> str:
    """Poll one receiver and store what it reports (or that it did not answer)."""
    with bound_contextvars(receiver_id=receiver_id, venue=venue, reason=reason):
        result = sync_service().sync_receiver(receiver_id=receiver_id)
    return result.value.status if result.value else result.error_code


@app.task(
    name="micboard.sync_receivers",
    ignore_result=True,
    soft_time_limit=SYNC_SOFT_LIMIT,
    time_limit=SYNC_HARD_LIMIT,
)
def sync_receivers(
    receiver_ids: list[int], venue: str = "", reason: str = "schedule"
) -> dict[str, str]:
    """Poll a batch of one venue's receivers at once; returns each receiver's outcome."""
    with bound_contextvars(venue=venue, reason=reason, batch=len(receiver_ids)):
        outcomes = sync_service().sync_receivers(receiver_ids=list(receiver_ids)).unwrap()
    return {str(o.receiver_id): o.status for o in outcomes}


@app.task(name="micboard.prune_history", ignore_result=True, time_limit=600)
def prune_history() -> int:
    """Drop dispatcher statistics and telemetry older than their retention."""
    report = history_prune(
        now=timezone.now(),
        dispatch_retention=timedelta(hours=settings.MICBOARD_DISPATCH_STATS_RETENTION_HOURS),
        telemetry_retention=timedelta(days=settings.MICBOARD_TELEMETRY_RETENTION_DAYS),
    )
    return report.dispatch_cycles + report.telemetry_samples


@app.task(name="micboard.dispatch_due_syncs", ignore_result=True, time_limit=30)
def dispatch_due_syncs(venue_id: int) -> int:
    """Enqueue one sync per due receiver of the venue; returns how many."""
    with bound_contextvars(venue_id=venue_id):
        result = sync_service().dispatch_due(venue_id=venue_id)
    return result.value.enqueued if result.value else 0


@app.task(name="micboard.ping", ignore_result=True)
def ping() -> str:
    """Does nothing: measures the broker and worker overhead a sync task sits on."""
    return "pong"
