"""Production safety checks, run by ``manage.py check --deploy``."""

from __future__ import annotations

import base64
import ipaddress
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning

from micboard.infrastructure.secret_box import DEVELOPMENT_KEY

DEVELOPMENT_REDIS = "redis://127.0.0.1:6379/0"
INSECURE_KEY_MARKERS = ("insecure", "change-me", "test-only")
_KEY_MARKERS = tuple(marker.encode() for marker in INSECURE_KEY_MARKERS)


@register(Tags.security, deploy=True)
def check_production_settings(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if any(marker in settings.SECRET_KEY for marker in INSECURE_KEY_MARKERS):
        messages.append(
            CheckError(
                "SECRET_KEY is a development or placeholder key.",
                hint='Set SECRET_KEY to a long random value, e.g. python -c "import secrets; '
                'print(secrets.token_urlsafe(50))".',
                id="micboard.E001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        messages.append(
            CheckWarning(
                "The database is the embedded SQLite default.",
                hint="Set DATABASE_URL=postgres://... for a production installation.",
                id="micboard.W001",
            )
        )
    if settings.CELERY_BROKER_URL == DEVELOPMENT_REDIS:
        messages.append(
            CheckWarning(
                "The broker is left at the development default (local Redis, database 0).",
                hint="Set REDIS_URL (rediss:// with a password when workers reach it over a "
                "network).",
                id="micboard.W002",
            )
        )
    if not os.environ.get("FLOWER_BASIC_AUTH"):
        messages.append(
            CheckWarning(
                "FLOWER_BASIC_AUTH is not set: Flower would run without authentication.",
                hint="Set FLOWER_BASIC_AUTH=user:password in the environment of every process.",
                id="micboard.W003",
            )
        )
    if str(getattr(settings, "MICBOARD_PROCESS_ROLE", "central")) != "venue-worker":
        messages += _encryption_key_messages()  # a venue worker never decrypts a secret
    return messages


def _encryption_key_messages() -> list[CheckMessage]:
    keys = list(settings.MICBOARD_ENCRYPTION_KEYS)
    if not keys:
        return [
            CheckError(
                "MICBOARD_ENCRYPTION_KEYS is not set: webhook secrets cannot be stored.",
                hint='Set it to a Fernet key: python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())" (not the SECRET_KEY).',
                id="micboard.E002",
            )
        ]
    if DEVELOPMENT_KEY in keys or any(
        marker in base64.urlsafe_b64decode(key) for key in keys for marker in _KEY_MARKERS
    ):
        return [
            CheckError(
                "MICBOARD_ENCRYPTION_KEYS holds a development or test key.",
                hint="Put a new Fernet key first, run manage.py micboard_rotate_secrets, then "
                "drop the development key.",
                id="micboard.E003",
            )
        ]
    return []


def _loopback(host: str) -> bool:
    if host in {"", "localhost"} or host.startswith("/"):
        return True  # a Unix socket or this machine
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _redis_tls_problem(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix" or _loopback(parts.hostname or ""):
        return ""
    if parts.scheme != "rediss":
        return "is not TLS (redis://)"
    if parse_qs(parts.query).get("ssl_cert_reqs", [""])[0] != "required":
        return "does not check the server's certificate (add ssl_cert_reqs=required)"
    return ""


def _database_tls_problem(database: dict[str, Any]) -> str:
    if database["ENGINE"].endswith("sqlite3") or _loopback(str(database.get("HOST", ""))):
        return ""
    mode = database.get("OPTIONS", {}).get("sslmode") or os.environ.get("PGSSLMODE", "")
    if mode != "verify-full":
        return f"uses sslmode={mode or 'prefer'} (use sslmode=verify-full with sslrootcert)"
    return ""


def _central_redis_user_messages() -> list[CheckMessage]:
    """A venue worker logs in to Redis as its own ACL user: not as the default user (the
    server's one password) nor as the central site's."""
    central = os.environ.get("MICBOARD_CENTRAL_REDIS_USER", "micboard")
    shared = {
        setting
        for setting in ("CELERY_BROKER_URL", "MICBOARD_REDIS_URL")
        if urlsplit(str(getattr(settings, setting))).scheme != "unix"
        and (urlsplit(str(getattr(settings, setting))).username or "default")
        in {"default", central}
    }
    if not shared:
        return []
    return [
        CheckWarning(
            f"A venue worker logs in to Redis as a shared user ({', '.join(sorted(shared))}).",
            hint="Give each venue its own ACL user: manage.py micboard_redis_acl --venue SLUG "
            "--user NAME (docs/deployment.md), and put it in the URL (rediss://NAME:...@).",
            id="micboard.W013",
        )
    ]


@register(Tags.security, deploy=True)
def check_venue_worker(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """A venue worker holds only its venue's credentials, over links that check certificates;
    every process warns about an unencrypted link to another machine."""
    messages: list[CheckMessage] = []
    worker = str(getattr(settings, "MICBOARD_PROCESS_ROLE", "central")) == "venue-worker"
    if worker and (
        settings.MICBOARD_VENUE_WORKER_HAS_SECRET_KEY or settings.MICBOARD_ENCRYPTION_KEYS
    ):
        messages.append(
            CheckWarning(
                "A venue worker's environment holds a central secret (SECRET_KEY or "
                "MICBOARD_ENCRYPTION_KEYS).",
                hint="A venue worker signs and decrypts nothing: remove them from the venue's "
                "environment file (docs/deployment.md, Across venues).",
                id="micboard.W010",
            )
        )
    if worker and str(settings.DATABASES["default"].get("USER", "")) == os.environ.get(
        "MICBOARD_CENTRAL_DATABASE_USER", "micboard"
    ):
        messages.append(
            CheckWarning(
                "A venue worker connects with the central site's database user.",
                hint="Give each venue its own login role: manage.py micboard_db_roles --apply "
                "--venue SLUG --login ROLE (docs/deployment.md).",
                id="micboard.W011",
            )
        )
    if worker:
        messages += _central_redis_user_messages()
    links = [
        ("broker", "CELERY_BROKER_URL", _redis_tls_problem(settings.CELERY_BROKER_URL)),
        ("Redis", "MICBOARD_REDIS_URL", _redis_tls_problem(settings.MICBOARD_REDIS_URL)),
        ("database", "DATABASE_URL", _database_tls_problem(settings.DATABASES["default"])),
    ]
    for link, setting, problem in links:
        if problem:
            messages.append(
                CheckWarning(
                    f"The {link} is on another machine and its link {problem}.",
                    hint=f"Set {setting} as docs/deployment.md (Across venues) shows.",
                    id="micboard.W012",
                )
            )
    return messages
