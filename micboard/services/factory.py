"""The composition root: services wired to their real collaborators from settings."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import redis
from celery import Celery
from django.conf import settings

from micboard.integrations.registry import default_registry
from micboard.services.clock import SystemClock
from micboard.services.devices import DjangoDeviceService
from micboard.services.enqueuer import CeleryTaskEnqueuer
from micboard.services.events import RedisEventPublisher
from micboard.services.locations import DjangoLocationService
from micboard.services.locks import RedisLockManager
from micboard.services.scheduling import schedules_sync
from micboard.services.sync import DjangoSynchronizationService
from micboard.services.wall_feed import fail_fast_redis


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.MICBOARD_LOCK_REDIS_URL, socket_timeout=5, socket_connect_timeout=5
    )


def celery_app() -> Celery:
    from micboard.workers.celery import app  # noqa: PLC0415 - the worker package imports services

    return app


@lru_cache(maxsize=1)
def device_service() -> DjangoDeviceService:
    return DjangoDeviceService(
        registry=default_registry(),
        clock=SystemClock(),
        # Losing an event only delays a live view: a sync never waits out Redis retries for one.
        events=RedisEventPublisher(
            fail_fast_redis(settings.MICBOARD_LOCK_REDIS_URL), prefix=settings.MICBOARD_KEY_PREFIX
        ),
        telemetry_interval=timedelta(seconds=settings.MICBOARD_TELEMETRY_INTERVAL),
    )


@lru_cache(maxsize=1)
def sync_service() -> DjangoSynchronizationService:
    return DjangoSynchronizationService(
        devices=device_service(),
        registry=default_registry(),
        locks=RedisLockManager(_redis(), prefix=settings.MICBOARD_KEY_PREFIX),
        enqueuer=CeleryTaskEnqueuer(celery_app()),
        clock=SystemClock(),
        device_timeout=settings.MICBOARD_DEVICE_TIMEOUT,
        max_backoff=settings.MICBOARD_MAX_BACKOFF,
        receivers_per_message=settings.MICBOARD_SYNC_BATCH_SIZE,
        poll_concurrency=settings.MICBOARD_POLL_CONCURRENCY,
    )


def location_service() -> DjangoLocationService:
    return DjangoLocationService(
        queue_prefix=settings.MICBOARD_QUEUE_PREFIX, sync_schedules=schedules_sync
    )
