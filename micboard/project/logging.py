"""structlog for web and workers: JSON when not on a TTY, readable in a terminal.

Every line passes through ``SecretRedactor`` last, so no secret (nor a kiosk link's token)
reaches a log, whichever library wrote the line and whatever the exception text says.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any

import structlog

SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.PositionalArgumentsFormatter(),
    structlog.processors.StackInfoRenderer(),
]

REDACTED = "***"
_SENSITIVE_KEY = re.compile(r"pass|secret|token|authorization|cookie|api_?key", re.IGNORECASE)
# user:password@ in any URL
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s/]+@", re.IGNORECASE)
# A kiosk link's token, in its path (/kiosk/<token>/) or as ?kiosk=<token> on a wall.
_KIOSK_TOKEN = re.compile(r"(?P<lead>/kiosk/|(?:^|[?&])kiosk=)[^/&\s\"']+")
MIN_SECRET_LENGTH = 4


def redact_kiosk_tokens(text: str) -> str:
    """``text`` with every kiosk token in a URL replaced by ``***``."""
    return _KIOSK_TOKEN.sub(rf"\g<lead>{REDACTED}", text)


class SecretRedactor:
    """Masks configured secret values, URL passwords and values under sensitive keys."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def __call__(self, _logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        return {key: self._clean(key, value) for key, value in event_dict.items()}

    def _clean(self, key: str, value: Any) -> Any:
        if _SENSITIVE_KEY.search(key) and value not in (None, "", False):
            return REDACTED
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._clean(key, item) for item in value)
        return value

    def scrub(self, text: str) -> str:
        text = redact_kiosk_tokens(_URL_PASSWORD.sub(rf"\g<scheme>:{REDACTED}@", text))
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def _use_json(fmt: str) -> bool:
    if fmt == "json":
        return True
    if fmt == "console":
        return False
    return not sys.stderr.isatty()


def build_logging(*, level: str, fmt: str, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """Configure structlog and return the matching ``LOGGING`` dict for Django."""
    json_output = _use_json(fmt)
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    SecretRedactor(secrets),
                    renderer,
                ],
                "foreign_pre_chain": SHARED_PROCESSORS,
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Failures are logged once, with their context, by django-structlog (requests)
            # and micboard/workers/celery.py (tasks); these would repeat them.
            "django.request": {"level": "CRITICAL"},
            "celery.app.trace": {"level": "CRITICAL"},
            "celery": {"level": level},
            "micboard": {"level": level},
            "workers": {"level": level},
            # One line per task received/started/succeeded is noise at hundreds of syncs/s.
            "django_structlog": {"level": "WARNING"},
            "django_structlog.celery": {"level": "CRITICAL"},
        },
    }


def secret_values(settings: dict[str, Any]) -> list[str]:
    """The secrets in a settings module's globals that must never be logged."""
    found = [str(settings.get("SECRET_KEY", "")), str(settings.get("EMAIL_HOST_PASSWORD", ""))]
    found += [str(key) for key in settings.get("MICBOARD_ENCRYPTION_KEYS", [])]
    for database in settings.get("DATABASES", {}).values():
        found.append(str(database.get("PASSWORD", "")))
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "MICBOARD_REDIS_URL"):
        match = re.search(r"://[^:/@\s]*:([^@\s/]+)@", str(settings.get(name, "")))
        if match:
            found.append(match.group(1))
    flower = os.environ.get("FLOWER_BASIC_AUTH", "")
    found += [pair.partition(":")[2] for pair in flower.split(",") if ":" in pair]
    return found
