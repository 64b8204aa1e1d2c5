"""The composition root: every client and service built from settings, handed out as contracts.

Nothing else in micboard builds a Redis client, a lock manager or a service. Each builder
is cached, so a process shares one client per Redis profile; tests clear the caches to
start from fresh objects.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import redis
from celery import Celery
from django.conf import settings
from django.utils.module_loading import import_string

from micboard.infrastructure.beat_locks import BeatLocks
from micboard.infrastructure.clock import SystemClock
from micboard.infrastructure.enqueuer import CeleryTaskEnqueuer
from micboard.infrastructure.events import RedisEventPublisher
from micboard.infrastructure.locks import LockManager, RedisLockManager
from micboard.infrastructure.notification_queue import (
    CeleryNotificationQueue,
    NotificationQueue,
)
from micboard.infrastructure.notifiers import DjangoEmailSender, UrllibWebhookPoster
from micboard.infrastructure.redis import RedisProfile, redis_client
from micboard.infrastructure.secret_box import SecretBox
from micboard.infrastructure.wall_feed import RedisWallFeed
from micboard.integrations.registry import default_registry
from micboard.selectors.wall import WallFeed
from micboard.services.alerts.delivery import DeliveryPolicy, NotificationDelivery
from micboard.services.alerts.service import DjangoAlertService
from micboard.services.contracts import (
    AlertService,
    DeviceService,
    LocationService,
    SynchronizationService,
)
from micboard.services.devices import DjangoDeviceService
from micboard.services.locations import DjangoLocationService
from micboard.services.photos import PhotoLimits
from micboard.services.scheduling import schedules_apply
from micboard.services.sync import DjangoSynchronizationService


def redis_connection(profile: RedisProfile = RedisProfile.STANDARD) -> redis.Redis:
    """The process's client of ``MICBOARD_REDIS_URL`` for ``profile``."""
    return _redis_connection(profile)


@lru_cache(maxsize=len(RedisProfile))
def _redis_connection(profile: RedisProfile) -> redis.Redis:
    return redis_client(settings.MICBOARD_REDIS_URL, profile)


def celery_app() -> Celery:
    """The Celery app named by ``MICBOARD_CELERY_APP`` (by name: no module imports workers)."""
    app: Celery = import_string(settings.MICBOARD_CELERY_APP)
    return app


def beat_locks() -> BeatLocks:
    """Beat's leader lease and its hold on each venue's queued dispatch."""
    return BeatLocks(RedisLockManager(redis_connection(), prefix=settings.MICBOARD_KEY_PREFIX))


def receiver_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The receiver models and the protocols the installed drivers speak."""
    registry = default_registry()
    return registry.models, registry.protocols


@lru_cache(maxsize=1)
def device_service() -> DeviceService:
    return DjangoDeviceService(
        registry=default_registry(),
        clock=SystemClock(),
        # Losing an event only delays a live view: a sync never waits out Redis retries for one.
        events=RedisEventPublisher(
            redis_connection(RedisProfile.FAIL_FAST), prefix=settings.MICBOARD_KEY_PREFIX
        ),
        telemetry_interval=timedelta(seconds=settings.MICBOARD_TELEMETRY_INTERVAL),
        alerts=alert_service() if settings.MICBOARD_ALERTS_ENABLED else None,
        secrets=secret_box(),
    )


def notification_queue() -> NotificationQueue:
    """Where notification deliveries are published: the housekeeping queue."""
    return CeleryNotificationQueue(celery_app(), queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def secret_box() -> SecretBox:
    """Encrypts and decrypts stored webhook secrets with ``MICBOARD_ENCRYPTION_KEYS``."""
    return SecretBox(settings.MICBOARD_ENCRYPTION_KEYS)


@lru_cache(maxsize=1)
def alert_service() -> AlertService:
    """Alert rules, lifecycle and the outbox; deliveries go to the housekeeping queue."""
    timeout = float(settings.MICBOARD_WEBHOOK_TIMEOUT)
    return DjangoAlertService(
        clock=SystemClock(),
        queue=notification_queue(),
        events=RedisEventPublisher(
            redis_connection(RedisProfile.FAIL_FAST), prefix=settings.MICBOARD_KEY_PREFIX
        ),
        delivery=NotificationDelivery(
            clock=SystemClock(),
            email=DjangoEmailSender(
                from_email=settings.DEFAULT_FROM_EMAIL, timeout=float(settings.EMAIL_TIMEOUT)
            ),
            webhook=UrllibWebhookPoster(timeout=timeout),
            secrets=secret_box(),
            policy=DeliveryPolicy(
                max_attempts=settings.MICBOARD_NOTIFY_MAX_ATTEMPTS,
                first_retry_seconds=settings.MICBOARD_NOTIFY_FIRST_RETRY_SECONDS,
                lease_seconds=max(
                    settings.MICBOARD_NOTIFY_LEASE_SECONDS,
                    3 * timeout,
                    3 * float(settings.EMAIL_TIMEOUT),
                ),
            ),
        ),
    )


@lru_cache(maxsize=1)
def sync_service() -> SynchronizationService:
    return DjangoSynchronizationService(
        devices=device_service(),
        registry=default_registry(),
        locks=RedisLockManager(redis_connection(), prefix=settings.MICBOARD_KEY_PREFIX),
        enqueuer=CeleryTaskEnqueuer(celery_app()),
        clock=SystemClock(),
        device_timeout=settings.MICBOARD_DEVICE_TIMEOUT,
        max_backoff=settings.MICBOARD_MAX_BACKOFF,
        receivers_per_message=settings.MICBOARD_SYNC_BATCH_SIZE,
        poll_concurrency=settings.MICBOARD_POLL_CONCURRENCY,
        secrets=secret_box(),
    )


def location_service() -> LocationService:
    return DjangoLocationService(
        queue_prefix=settings.MICBOARD_QUEUE_PREFIX, apply_schedules=schedules_apply
    )


def photo_limits() -> PhotoLimits:
    """What a performer photo upload may be: ``MICBOARD_PHOTO_MAX_BYTES`` and ``_PIXELS``."""
    return PhotoLimits(
        max_bytes=settings.MICBOARD_PHOTO_MAX_BYTES, max_pixels=settings.MICBOARD_PHOTO_MAX_PIXELS
    )


@lru_cache(maxsize=1)
def wall_feed() -> WallFeed:
    """The display wall's feed; it fails fast, since a wall asks again in a second anyway."""
    return RedisWallFeed(
        redis_connection(RedisProfile.FAIL_FAST), prefix=settings.MICBOARD_KEY_PREFIX
    )


if TYPE_CHECKING:
    # mypy proves here that each concrete class satisfies the contract callers rely on.
    from micboard.infrastructure.clock import Clock
    from micboard.infrastructure.enqueuer import TaskEnqueuer
    from micboard.infrastructure.events import EventPublisher

    _device: type[DeviceService] = DjangoDeviceService
    _sync: type[SynchronizationService] = DjangoSynchronizationService
    _location: type[LocationService] = DjangoLocationService
    _alerts: type[AlertService] = DjangoAlertService
    _feed: type[WallFeed] = RedisWallFeed
    _locks: type[LockManager] = RedisLockManager
    _events: type[EventPublisher] = RedisEventPublisher
    _enqueuer: type[TaskEnqueuer] = CeleryTaskEnqueuer
    _clock: type[Clock] = SystemClock
