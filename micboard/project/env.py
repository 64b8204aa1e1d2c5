"""Reading settings from the environment (12-factor), with clear one-line errors.

A malformed value stops the process with ``SystemExit`` and one line naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from micboard.exceptions import ConfigurationError

_TRUE = {"1", "true", "yes", "on"}
# libpq's TLS parameters a DATABASE_URL may carry in its query string (docs/deployment.md).
DATABASE_TLS_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SystemExit(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an integer") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a number") from None


def postgres_session_options(*, statement_ms: int, lock_ms: int) -> str:
    """libpq ``options`` bounding each statement and each lock wait (0: no bound)."""
    return f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, setting: str = "DATABASE_URL") -> dict[str, Any]:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into Django's dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ConfigurationError(f"{setting}={url!r} names no SQLite file")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = parts.path.lstrip("/")
        if not name:
            raise ConfigurationError(f"{setting}={url!r} names no database")
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError(f"{setting}={url!r} has an invalid port") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(name),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": _database_tls_options(url, parts.query, setting),
        }
    raise ConfigurationError(
        f"{setting}={url!r} is not supported (use postgres://user@host:5432/name or sqlite:///file.db)"
    )


def _database_tls_options(url: str, query: str, setting: str) -> dict[str, str]:
    """``?sslmode=verify-full&sslrootcert=/etc/micboard/postgres-ca.pem`` as libpq options."""
    options: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if name not in DATABASE_TLS_OPTIONS:
            raise ConfigurationError(
                f"{setting}={_without_password(url)!r} has the unknown option {name!r} "
                f"(it takes {', '.join(DATABASE_TLS_OPTIONS)})"
            )
        if name == "sslmode" and value not in SSL_MODES:
            raise ConfigurationError(
                f"{setting} has sslmode={value!r} (use one of {', '.join(SSL_MODES)})"
            )
        if not value:
            raise ConfigurationError(f"{setting} has an empty {name}")
        options[name] = value
    return options


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def validate_redis_url(url: str, *, setting: str = "REDIS_URL") -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigurationError(f"{setting}={url!r} is not a redis:// URL")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigurationError(f"{setting}={url!r} has an invalid port") from None
    return url


def sqlite_default(base_dir: Path) -> str:
    return f"sqlite:///{base_dir / 'var' / 'micboard.sqlite3'}"
