from __future__ import annotations

import pytest

from micboard.exceptions import ConfigurationError
from micboard.project.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    parse_database_url,
    sqlite_default,
    validate_redis_url,
)


def test_postgres_url() -> None:
    db = parse_database_url("postgres://mic%40board:s3cret@db.lan:5433/micboard")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "mic@board",
        "s3cret",
        "db.lan",
        "5433",
        "micboard",
    )


def test_sqlite_urls(tmp_path: object) -> None:
    assert parse_database_url("sqlite:////var/lib/micboard.db")["NAME"] == "/var/lib/micboard.db"
    assert parse_database_url("sqlite:///micboard.db")["NAME"] == "micboard.db"
    assert sqlite_default(__import__("pathlib").Path("/srv")).endswith("/srv/var/micboard.sqlite3")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://x@y/z", "not supported"),
        ("postgres://x@y:99999/z", "invalid port"),
        ("postgres://x@y:5432/", "names no database"),
        ("sqlite://", "names no SQLite file"),
    ],
)
def test_bad_database_urls_name_the_setting(url: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem) as caught:
        parse_database_url(url)
    assert "DATABASE_URL" in caught.value.message


@pytest.mark.parametrize("url", ["http://localhost", "redis://h:notaport/0"])
def test_bad_redis_urls(url: str) -> None:
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        validate_redis_url(url)


def test_typed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_FLOAT", "2.5")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_bool("X_BOOL", default=False) is True
    assert env_int("X_INT", 1) == 42
    assert env_float("X_FLOAT", 1.0) == 2.5
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env_int("X_MISSING", 7) == 7
    assert env_bool("X_MISSING", default=True) is True
    assert env_list("X_MISSING", ["d"]) == ["d"]
    assert env_float("X_MISSING", 0.5) == 0.5


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (lambda: env_bool("X_BAD", default=False), "maybe"),
        (lambda: env_int("X_BAD", 1), "five"),
        (lambda: env_float("X_BAD", 1.0), "fast"),
    ],
)
def test_malformed_values_stop_with_one_line(
    monkeypatch: pytest.MonkeyPatch, reader: object, raw: str
) -> None:
    monkeypatch.setenv("X_BAD", raw)
    with pytest.raises(SystemExit, match=f"X_BAD='{raw}'"):
        reader()  # type: ignore[operator]


def test_database_url_carries_its_tls_options() -> None:
    db = parse_database_url(
        "postgres://venue_a:pw@db.example.org:5432/micboard"
        "?sslmode=verify-full&sslrootcert=/etc/micboard/postgres-ca.pem"
    )
    assert db["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/micboard/postgres-ca.pem",
    }
    assert parse_database_url("postgres://u@h/n")["OPTIONS"] == {}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("sslmode=sometimes", "sslmode='sometimes'"),
        ("sslmod=require", "unknown option 'sslmod'"),
        ("sslrootcert=", "empty sslrootcert"),
    ],
)
def test_bad_database_tls_options_are_named(query: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem) as caught:
        parse_database_url(f"postgres://u:secret-pw@h/n?{query}")
    assert "secret-pw" not in caught.value.message
