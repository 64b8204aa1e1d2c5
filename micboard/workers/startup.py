"""A worker's first look at its links: a wrong certificate or password stops it at once.

Without this a worker with a wrong CA file starts, then retries the broker for ever and
fails every poll's database write. Before consuming anything it connects once to the
database, to micboard's Redis and to the broker; a refused certificate or credential ends
the process with one line naming the link and the setting to fix. A link that is merely
unreachable (a WAN outage at start-up) is logged and left to the usual reconnects.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import structlog
from celery import Celery
from django.conf import settings
from django.db import connection

from micboard.infrastructure.redis import RedisProfile, redis_client

log = structlog.get_logger(__name__)

# What a server says when it will never accept this process as configured.
_REFUSALS = (
    "certificate verify failed",
    "certificate_verify_failed",
    "sslv3 alert",
    "tlsv1 alert",
    "wrong version number",
    "password authentication failed",
    "no pg_hba.conf entry",
    "server does not support ssl",
    "wrongpass",
    "noauth",
    "noperm",
    "invalid username-password",
    "permission denied",
    "hostname mismatch",
    "doesn't match",
    "does not match host name",
)


class LinkRefused(SystemExit):
    """A link refused this worker's certificate check or credentials: the process ends."""


def is_refusal(error: BaseException) -> bool:
    """True for errors no retry will cure: TLS verification, authentication, permissions."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        text = str(seen).lower()
        if any(marker in text for marker in _REFUSALS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _database() -> None:
    connection.ensure_connection()
    connection.close()


def _micboard_redis() -> None:
    redis_client(settings.MICBOARD_REDIS_URL, RedisProfile.FAIL_FAST).ping()


def _broker(app: Celery) -> Callable[[], None]:
    def probe() -> None:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
            conn.default_channel.client.ping()  # type: ignore[attr-defined] # Kombu's Redis channel

    return probe


def links_check(app: Celery) -> None:
    """Connect once to each link; raise ``LinkRefused`` when one refuses this process."""
    probes: list[tuple[str, str, Callable[[], None]]] = [
        ("database", "DATABASE_URL", _database),
        ("redis", "MICBOARD_REDIS_URL (or REDIS_URL)", _micboard_redis),
        ("broker", "CELERY_BROKER_URL (or REDIS_URL)", _broker(app)),
    ]
    for link, setting, probe in probes:
        try:
            probe()
        except Exception as error:  # any failure: a refusal ends the worker, the rest is retried
            detail = f"{type(error).__name__}: {error}".strip()
            if is_refusal(error):
                log.critical("worker_link_refused", link=link, setting=setting, error=detail)
                raise LinkRefused(
                    f"micboard worker: the {link} refused this worker ({detail}). "
                    f"Check {setting}: its TLS CA file, server name and credentials."
                ) from error
            log.warning("worker_link_unreachable", link=link, error=detail)
        else:
            log.info("worker_link_ok", link=link)


def on_worker_init(sender: Any = None, **_: Any) -> None:
    """``worker_init`` handler: runs the check when ``MICBOARD_WORKER_CHECK_LINKS`` is on."""
    if settings.MICBOARD_WORKER_CHECK_LINKS:
        app = getattr(sender, "app", None)
        if app is not None:
            links_check(app)
