"""No secret reaches a log line: unit checks of the redactor and a real process's output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from micboard.project.logging import REDACTED, SecretRedactor, secret_values

ROOT = Path(__file__).resolve().parents[2]


def test_configured_secrets_url_passwords_and_sensitive_keys_are_masked() -> None:
    redact = SecretRedactor(["s3cr3t-key-value", "pw"])
    event = redact(
        None,
        "error",
        {
            "event": "could not connect with s3cr3t-key-value",
            "url": "postgres://micboard:hunter22@db:5432/micboard",
            "password": "anything",
            "nested": {"api_key": "abcd", "items": ["s3cr3t-key-value", 3]},
            "note": "pw is too short to be treated as a secret",
        },
    )
    assert event["event"] == f"could not connect with {REDACTED}"
    assert event["url"] == f"postgres://micboard:{REDACTED}@db:5432/micboard"
    assert event["password"] == REDACTED
    assert event["nested"] == {"api_key": REDACTED, "items": [REDACTED, 3]}
    assert event["note"].startswith("pw is")


def test_secret_values_found_in_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWER_BASIC_AUTH", "ops:flower-pass")
    found = secret_values(
        {
            "SECRET_KEY": "k" * 40,
            "DATABASES": {"default": {"PASSWORD": "db-pass"}},
            "REDIS_URL": "rediss://:redis-pass@broker:6380/0",
        }
    )
    assert {"k" * 40, "db-pass", "redis-pass", "flower-pass"} <= set(found)


def test_a_real_process_never_logs_its_secrets() -> None:
    secret_key = "prod-secret-key-0123456789-abcdefghijklmnop"
    code = (
        "import logging, structlog\n"
        "from django.conf import settings\n"
        "log = structlog.get_logger('micboard')\n"
        "log.error('login', password='hunter22', key=settings.SECRET_KEY)\n"
        "logging.getLogger('django').error('dsn %s', 'postgres://app:dbpass99@db/x')\n"
        "try:\n"
        "    raise RuntimeError('key was ' + settings.SECRET_KEY)\n"
        "except RuntimeError:\n"
        "    structlog.get_logger('micboard').exception('failed')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": "sqlite:///var/logging-test.db",
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    output = result.stdout + result.stderr
    assert "login" in output
    assert "failed" in output
    for secret in (secret_key, "hunter22", "dbpass99"):
        assert secret not in output


def test_kiosk_tokens_leave_the_request_field_of_app_lines() -> None:
    redactor = SecretRedactor([])
    line = redactor(
        None,
        "info",
        {"event": "request_finished", "request": "GET /kiosk/AbC123xyz/", "code": 200},
    )
    assert line["request"] == "GET /kiosk/***/"
    wall = redactor(None, "info", {"request": "GET /wall/main/?kiosk=AbC123xyz"})
    assert wall["request"] == "GET /wall/main/?kiosk=***"
