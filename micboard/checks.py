"""Production safety checks, run by ``manage.py check --deploy``."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from typing import Any

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
    messages += _encryption_key_messages()
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
