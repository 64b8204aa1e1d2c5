"""Thin tasks: take ids, call one service function, log the outcome."""

from __future__ import annotations

from structlog.contextvars import bound_contextvars

from micboard.services.factory import sync_service
from workers.celery import app

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


@app.task(name="micboard.dispatch_due_syncs", ignore_result=True, time_limit=30)
def dispatch_due_syncs(venue_id: int) -> int:
    """Enqueue one sync per due receiver of the venue; returns how many."""
    with bound_contextvars(venue_id=venue_id):
        result = sync_service().dispatch_due(venue_id=venue_id)
    return result.value.enqueued if result.value else 0
