"""The worker's broker consumer, reconnecting at a capped interval however long the outage."""

from __future__ import annotations

import functools
from typing import Any

import structlog
from celery.worker.consumer import Consumer
from django.conf import settings

log = structlog.get_logger(__name__)


def reconnect_intervals() -> dict[str, float]:
    """First wait, growth and cap between reconnection attempts, in seconds."""
    cap = max(0.1, float(settings.MICBOARD_BROKER_RECONNECT_MAX_SECONDS))
    return {"interval_start": min(0.5, cap), "interval_step": 0.5, "interval_max": cap}


class BoundedReconnectConsumer(Consumer):
    """Celery's consumer, whose broker reconnection backs off to at most
    ``MICBOARD_BROKER_RECONNECT_MAX_SECONDS`` (Celery's own grows to 30 s), never giving up."""

    def ensure_connected(self, conn: Any) -> Any:
        conn.ensure_connection = functools.partial(conn.ensure_connection, **reconnect_intervals())
        return super().ensure_connected(conn)
