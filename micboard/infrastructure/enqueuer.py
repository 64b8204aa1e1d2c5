"""Putting sync work on venue queues, without services importing task modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from celery import Celery

SYNC_TASK = "micboard.sync_receivers"
DISPATCH_TASK = "micboard.dispatch_due_syncs"

# Redis transport priorities: 0 runs first. Scheduled syncs use the default in between.
PRIORITY_RESYNC = 0
PRIORITY_SCHEDULED = 5
# Celery's own bound on a message's argument repr.
REPR_MAXSIZE = 1024


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """One message: a single receiver, or a batch of them polled by one task."""

    receiver_ids: tuple[int, ...]
    venue: str
    queue: str
    expires_seconds: float
    priority: int = PRIORITY_SCHEDULED
    reason: str = "schedule"
    countdown: float = 0.0
    """Seconds before the message may run (a resync spaced after the previous one)."""


class TaskEnqueuer(Protocol):
    def enqueue_syncs(self, requests: list[SyncRequest]) -> int:
        """Publish one message per request; returns how many receivers they carry."""
        ...


class CeleryTaskEnqueuer:
    """Publishes by task name over one broker connection for the whole batch."""

    def __init__(self, app: Celery) -> None:
        self._app = app

    def enqueue_syncs(self, requests: list[SyncRequest]) -> int:
        if not requests:
            return 0
        with self._app.producer_or_acquire() as producer:
            for request in requests:
                kwargs = {
                    "receiver_ids": list(request.receiver_ids),
                    "venue": request.venue,
                    "reason": request.reason,
                }
                self._app.send_task(
                    SYNC_TASK,
                    kwargs=kwargs,
                    # What Flower and task events show, as Celery's safe repr would write
                    # these plain values, without its per-item walk (a dispatcher's hot path).
                    argsrepr="()",
                    kwargsrepr=repr(kwargs)[:REPR_MAXSIZE],
                    queue=request.queue,
                    routing_key=request.queue,
                    priority=request.priority,
                    countdown=request.countdown or None,
                    expires=request.expires_seconds + request.countdown,
                    producer=producer,
                    ignore_result=True,
                )
        return sum(len(request.receiver_ids) for request in requests)
