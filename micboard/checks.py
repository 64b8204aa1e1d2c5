"""Production safety checks, run by ``manage.py check --deploy``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning

DEVELOPMENT_REDIS = "redis://127.0.0.1:6379/0"
INSECURE_KEY_MARKERS = ("insecure", "change-me", "test-only")


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
    return messages
