"""Publishing "receiver changed" events for live views (Redis pub/sub)."""

from __future__ import annotations

import json
from typing import Protocol

import redis
import structlog

from micboard.infrastructure import keys
from micboard.infrastructure.wall_versions import queue_bump

log = structlog.get_logger(__name__)


class EventPublisher(Protocol):
    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None: ...

    def receivers_changed(self, changes: list[tuple[int, int]]) -> None:
        """One event per ``(receiver_id, venue_id)``, published together."""
        ...


class RedisEventPublisher:
    """Publishes on ``<prefix>:events`` and bumps the display wall's version counters.

    Losing an event only delays a live view.
    """

    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self.channel = keys.prefixed(prefix, keys.EVENTS)

    def receiver_changed(self, *, receiver_id: int, venue_id: int) -> None:
        self.receivers_changed([(receiver_id, venue_id)])

    def receivers_changed(self, changes: list[tuple[int, int]]) -> None:
        if not changes:
            return
        pipe = self._client.pipeline(transaction=False)
        for venue_id in dict.fromkeys(venue for _, venue in changes):
            queue_bump(pipe, prefix=self._prefix, venue_id=venue_id)
        for receiver_id, venue_id in changes:
            payload = {"type": "receiver.changed", "receiver": receiver_id, "venue": venue_id}
            pipe.publish(self.channel, json.dumps(payload))
        try:
            pipe.execute()
        except redis.RedisError as error:
            log.warning("event_publish_failed", error=str(error), receivers=[r for r, _ in changes])
