"""Putting notification deliveries on the housekeeping queue by task name."""

from __future__ import annotations

from typing import Protocol

import structlog
from celery import Celery

log = structlog.get_logger(__name__)

DELIVER_TASK = "micboard.notifications_deliver"


class NotificationQueue(Protocol):
    def deliver(self, notification_ids: list[int], *, countdown: float = 0) -> None:
        """Ask for the notifications to be sent; never raises (the outbox sweep catches up)."""
        ...


class CeleryNotificationQueue:
    def __init__(self, app: Celery, *, queue: str) -> None:
        self._app = app
        self._queue = queue

    def deliver(self, notification_ids: list[int], *, countdown: float = 0) -> None:
        if not notification_ids:
            return
        try:
            self._app.send_task(
                DELIVER_TASK,
                kwargs={"notification_ids": notification_ids},
                queue=self._queue,
                routing_key=self._queue,
                countdown=countdown or None,
                ignore_result=True,
                retry=False,
            )
        except Exception as error:  # the rows wait in the outbox for the periodic sweep
            log.warning(
                "notification_enqueue_failed", count=len(notification_ids), error=repr(error)
            )
