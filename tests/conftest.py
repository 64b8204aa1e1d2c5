"""Shared fixtures: the suite's own Redis database, services wired for tests, factories."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings

from micboard.services.factory import device_service, location_service, sync_service


@pytest.fixture(scope="session")
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    client.ping()
    return client


@pytest.fixture(autouse=True)
def _clean_redis(redis_client: redis.Redis) -> None:
    """Each test starts with an empty test database (db 15): no stray locks or messages."""
    redis_client.flushdb()


@pytest.fixture(autouse=True)
def _fresh_services() -> None:
    device_service.cache_clear()
    sync_service.cache_clear()


def queue_depth(client: redis.Redis, queue: str) -> int:
    """Messages waiting on a Redis-transport queue, across its priority lists."""
    names = [queue] + [f"{queue}:{priority}" for priority in range(1, 10)]
    return sum(int(client.llen(name)) for name in names)


__all__ = ["device_service", "location_service", "queue_depth", "sync_service"]
