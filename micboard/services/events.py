"""Publishing "receiver changed" events for live views (Redis pub/sub)."""

from __future__ import annotations

import json
from typing import Protocol

import redis
import structlog

log = structlog.get_logger(__name__)


class EventPublisher(Protocol):
    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None: ...


class NullPublisher:
    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None:
        return None


class RedisEventPublisher:
    """Publishes on ``<prefix>:events``; losing an event only delays a live view."""

    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self.channel = f"{prefix}:events"

    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None:
        payload = json.dumps(
            {"type": "receiver.changed", "receiver": receiver_id, "venue": venue_id}
        )
        try:
            self._client.publish(self.channel, payload)
        except redis.RedisError as error:
            log.warning("event_publish_failed", error=str(error), receiver_id=receiver_id)
