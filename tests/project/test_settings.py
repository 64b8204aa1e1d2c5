"""Starting the project with bad settings stops it with one line that names the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Settings that point at a database or a Redis: each test gives its own or none.
CONNECTION_SETTINGS = ("DATABASE_", "REDIS_", "MICBOARD_REDIS_", "MICBOARD_LOCK_")


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python *args`` in the repository, with the project's settings and ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(CONNECTION_SETTINGS)}
    clean.update({"DJANGO_SETTINGS_MODULE": "micboard.project.settings", **env})
    return subprocess.run(  # noqa: S603 - the test's own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    return run_python("manage.py", "check", **env)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://nope", "SECRET_KEY": "k"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://nope", "SECRET_KEY": "k"}, "REDIS_URL"),
        ({"MICBOARD_DEVICE_TIMEOUT": "slow", "SECRET_KEY": "k"}, "MICBOARD_DEVICE_TIMEOUT"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ],
)
def test_misconfiguration_is_one_line_naming_the_setting(env: dict[str, str], named: str) -> None:
    result = run_check(**{"DATABASE_URL": "sqlite:///var/check.db", **env})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]


def redis_url_setting(**env: str) -> str:
    code = "from micboard.project import settings as s; print(s.MICBOARD_REDIS_URL)"
    result = run_python(
        "-c", code, **{"SECRET_KEY": "k", "DATABASE_URL": "sqlite:///var/check.db", **env}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_redis_url_of_micboards_keys_keeps_its_older_name_as_an_alias() -> None:
    old, new = "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/4"
    assert redis_url_setting(REDIS_URL="redis://127.0.0.1:6379/2") == "redis://127.0.0.1:6379/2"
    assert redis_url_setting(MICBOARD_LOCK_REDIS_URL=old) == old
    assert redis_url_setting(MICBOARD_LOCK_REDIS_URL=old, MICBOARD_REDIS_URL=new) == new


def settings_value(expression: str, **env: str) -> str:
    code = f"from micboard.project import settings as s; print({expression})"
    result = run_python("-c", code, **{"SECRET_KEY": "k", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_every_wait_on_postgresql_and_the_broker_is_bounded() -> None:
    options = settings_value(
        "sorted(s.DATABASES['default']['OPTIONS'].items())",
        DATABASE_URL="postgres://u:p@db.invalid:5432/micboard",
        DATABASE_STATEMENT_TIMEOUT_MS="7000",
    )
    for part in (
        "('connect_timeout', 5)",
        "('keepalives', 1)",
        "('options', '-c statement_timeout=7000 -c lock_timeout=7000')",
        "('tcp_user_timeout', 15000)",
    ):
        assert part in options
    transport = settings_value(
        "sorted(s.CELERY_BROKER_TRANSPORT_OPTIONS.items())", DATABASE_URL="sqlite:///var/c.db"
    )
    assert "('socket_connect_timeout', 5.0)" in transport
    assert "('socket_timeout', 5.0)" in transport


def test_sqlite_has_a_busy_timeout() -> None:
    timeout = settings_value(
        "s.DATABASES['default']['OPTIONS']['timeout']",
        DATABASE_URL="sqlite:///var/c.db",
        DATABASE_BUSY_TIMEOUT="3",
    )
    assert timeout == "3.0"
