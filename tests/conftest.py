"""Shared fixtures: the suite's own Redis database, services wired for tests, factories."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
import redis
from django.conf import settings

from micboard.composition import alert_service, device_service, location_service, sync_service
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.specs import receiver_spec
from tests.mail_server import MailServer
from tests.run_keys import forget_run_keys
from tests.webhook_server import WebhookServer

StartFleet = Callable[..., Fleet]
WEBHOOK_SECRET = "webhook-test-secret"


@pytest.fixture(scope="session")
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    client.ping()
    return client


@pytest.fixture(autouse=True)
def _clean_redis(redis_client: redis.Redis) -> None:
    """Each test starts without this run's keys and queues: no stray locks or messages."""
    forget_run_keys(redis_client)


@pytest.fixture(scope="session", autouse=True)
def _own_photo_storage() -> Iterator[None]:
    """Photos the run stored (in this run's own ``MEDIA_ROOT``) go with it."""
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_services() -> None:
    device_service.cache_clear()
    sync_service.cache_clear()
    alert_service.cache_clear()


@pytest.fixture
def alerts_off(settings: Any) -> Iterator[None]:
    """Services built without alert evaluation: for tests that pin the batch write alone."""
    settings.MICBOARD_ALERTS_ENABLED = False
    device_service.cache_clear()
    sync_service.cache_clear()
    yield
    device_service.cache_clear()
    sync_service.cache_clear()


@pytest.fixture
def start_fleet() -> Iterator[StartFleet]:
    """Start a still fleet (no battery drain, fixed seed) of the given models on loopback
    sockets; every fleet a test started is stopped after it."""
    fleets: list[Fleet] = []

    def start(*models: str, tick_interval: float = 1.0, battery_drain: float = 0.0) -> Fleet:
        specs = [receiver_spec(model, index) for index, model in enumerate(models)]
        fleet = Fleet(
            specs,
            tick_interval=tick_interval,
            battery_drain=battery_drain,
            meters_move=False,  # a poll's values can be compared with the receiver's after it
            seed=7,
        )
        fleet.start(timeout=10)
        fleets.append(fleet)
        return fleet

    yield start
    for fleet in fleets:
        fleet.stop(timeout=10)


@pytest.fixture
def mail_server(settings: Any) -> Iterator[MailServer]:
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    server = MailServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = False
    yield server
    server.stop()


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    """A real HTTP server on loopback checking signatures made with ``WEBHOOK_SECRET``."""
    server = WebhookServer(secret=WEBHOOK_SECRET).start()
    yield server
    server.stop()


def queue_depth(client: redis.Redis, queue: str) -> int:
    """Messages waiting on a Redis-transport queue, across its priority lists."""
    return sum(int(client.llen(name)) for name in _priority_lists(queue))


def queued_messages(client: redis.Redis, queue: str) -> list[dict[str, Any]]:
    """Each message waiting on a Redis-transport queue, as Kombu stored it (headers, body)."""
    return [
        json.loads(raw)
        for name in _priority_lists(queue)
        for raw in cast(list[bytes], client.lrange(name, 0, -1))
    ]


def queued_tasks(client: redis.Redis, queue: str) -> list[tuple[str, dict[str, Any]]]:
    """``(task name, keyword arguments)`` of each message waiting on a queue."""
    tasks = []
    for message in queued_messages(client, queue):
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], kwargs))
    return tasks


def _priority_lists(queue: str) -> list[str]:
    return [queue] + [f"{queue}:{priority}" for priority in range(1, 10)]


__all__ = [
    "StartFleet",
    "device_service",
    "location_service",
    "queue_depth",
    "queued_messages",
    "queued_tasks",
    "sync_service",
]
