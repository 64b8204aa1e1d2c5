"""Thin tasks: take ids, call one service function, log the outcome."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from structlog.contextvars import bound_contextvars

from micboard.composition import alert_service, notification_queue, sync_service
from micboard.services import housekeeping
from micboard.services.dto import SyncStatus
from micboard.workers import liveness
from micboard.workers.celery import app
from micboard.workers.deadline import bounded

SYNC_SOFT_LIMIT = 15
SYNC_HARD_LIMIT = 20


@app.task(
    name="micboard.sync_receivers",
    ignore_result=True,
    soft_time_limit=SYNC_SOFT_LIMIT,
    time_limit=SYNC_HARD_LIMIT,
)
def sync_receivers(
    receiver_ids: list[int], venue: str = "", reason: str = "schedule"
) -> dict[str, str]:
    """Poll one receiver or a batch of one venue's at once; returns each one's outcome."""
    ids = list(receiver_ids)
    context = {"receiver_id": ids[0]} if len(ids) == 1 else {"batch": len(ids)}
    with (
        bound_contextvars(venue=venue, reason=reason, **context),
        bounded(SYNC_HARD_LIMIT, task="micboard.sync_receivers"),
    ):
        outcomes = sync_service().receivers_sync(receiver_ids=ids)
    written = {SyncStatus.SYNCED, SyncStatus.OFFLINE}
    if any(o.status is not SyncStatus.ERROR for o in outcomes):
        liveness.task_done(wrote=any(o.status in written for o in outcomes))
    return {str(o.receiver_id): o.status.value for o in outcomes}


@app.task(name="micboard.history_prune", ignore_result=True, time_limit=600)
def history_prune() -> int:
    """Drop dispatcher statistics, telemetry, resolved alerts and audit entries past retention."""
    report = housekeeping.history_prune(
        now=timezone.now(),
        dispatch_retention=timedelta(hours=settings.MICBOARD_DISPATCH_STATS_RETENTION_HOURS),
        telemetry_retention=timedelta(days=settings.MICBOARD_TELEMETRY_RETENTION_DAYS),
        alert_retention=timedelta(days=settings.MICBOARD_ALERT_RETENTION_DAYS),
        audit_retention=timedelta(days=settings.MICBOARD_AUDIT_RETENTION_DAYS),
    )
    return report.dispatch_cycles + report.telemetry_samples + report.alerts + report.audit_entries


DISPATCH_HARD_LIMIT = 30


@app.task(name="micboard.dispatch_due_syncs", ignore_result=True, time_limit=DISPATCH_HARD_LIMIT)
def dispatch_due_syncs(venue_id: int) -> int:
    """Enqueue one sync per due receiver of the venue; returns how many."""
    with (
        bound_contextvars(venue_id=venue_id),
        bounded(DISPATCH_HARD_LIMIT, task="micboard.dispatch_due_syncs"),
    ):
        result = sync_service().venue_dispatch(venue_id=venue_id)
    if result.ok:  # a dispatch that cannot reach the database is no progress
        liveness.task_done(wrote=True)
    return result.value.enqueued if result.value else 0


@app.task(name="micboard.ping", ignore_result=True)
def ping() -> str:
    """Does nothing: measures the broker and worker overhead a sync task sits on."""
    return "pong"


@app.task(name="micboard.alerts_check", ignore_result=True, time_limit=120)
def alerts_check() -> int:
    """What no sync sees: unreached receivers, watched hours, escalations, outbox left-overs."""
    report = alert_service().alerts_check()
    return report.opened + report.resolved + report.escalated


@app.task(name="micboard.notifications_deliver", ignore_result=True, time_limit=120)
def notifications_deliver(notification_ids: list[int]) -> int:
    """Send outbox rows, one attempt each; the failed ones come back after their backoff."""
    alerts = alert_service()
    retries: dict[float, list[int]] = {}
    sent = 0
    for notification_id in notification_ids:
        with bound_contextvars(notification_id=notification_id):
            outcome = alerts.notification_deliver(notification_id=notification_id)
        sent += outcome.state == "sent"
        if outcome.retry_in is not None:
            retries.setdefault(outcome.retry_in, []).append(notification_id)
    for wait, ids in retries.items():
        notification_queue().deliver(ids, countdown=wait)
    return sent
