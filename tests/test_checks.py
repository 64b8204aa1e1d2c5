"""``manage.py check --deploy``: passes with production settings, names each unsafe default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "Zq8vN3p0-production-grade-random-key-4kL9sT2wX7yB1mC6dF5gH0jR",
    "ALLOWED_HOSTS": "micboard.example.org",
    "DATABASE_URL": "postgres://micboard:pw@db.example.org:5432/micboard"
    "?sslmode=verify-full&sslrootcert=/etc/micboard/postgres-ca.pem",
    "REDIS_URL": "rediss://:pw@broker.example.org:6380/0"
    "?ssl_cert_reqs=required&ssl_ca_certs=/etc/micboard/redis-ca.pem",
    "FLOWER_BASIC_AUTH": "ops:flower-password",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "MICBOARD_BEHIND_TLS_PROXY": "true",
    "MICBOARD_ENCRYPTION_KEYS": "kS3i1Pq8m0yVt9dX2cB7nR4wE6uZ5aL1hJ0gF8oT3vM=",
}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_every_deploy_check() -> None:
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_are_each_named() -> None:
    result = check_deploy(
        {
            "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
            "DJANGO_DEBUG": "false",
            "MICBOARD_ALLOW_INSECURE_KEY": "true",
            "DATABASE_URL": "sqlite:///var/check-deploy.db",
        }
    )
    assert result.returncode != 0
    for check_id in (
        "micboard.E001",
        "micboard.E003",  # the development encryption key
        "micboard.W001",
        "micboard.W002",
        "micboard.W003",
    ):
        assert check_id in result.stderr


def test_no_encryption_key_is_named() -> None:
    result = check_deploy({**PRODUCTION, "MICBOARD_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "micboard.E002" in result.stderr


def test_a_malformed_encryption_key_stops_the_process_with_one_line() -> None:
    good = PRODUCTION["MICBOARD_ENCRYPTION_KEYS"]
    result = check_deploy({**PRODUCTION, "MICBOARD_ENCRYPTION_KEYS": f"{good},not-a-key"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "MICBOARD_ENCRYPTION_KEYS: key 2 is not URL-safe base64"
    )


def test_a_venue_worker_with_central_secrets_or_plain_links_is_warned() -> None:
    result = check_deploy(
        {
            **PRODUCTION,
            "MICBOARD_PROCESS_ROLE": "venue-worker",
            "DATABASE_URL": "postgres://micboard:pw@db.example.org:5432/micboard?sslmode=require",
            "REDIS_URL": "redis://:pw@broker.example.org:6379/0",
        }
    )
    assert result.returncode != 0
    assert "micboard.W010" in result.stderr  # a SECRET_KEY it never uses
    assert "micboard.W011" in result.stderr  # the central database user
    assert "micboard.W013" in result.stderr  # Redis's default user, the server's one password
    assert "The broker is on another machine and its link is not TLS" in result.stderr
    assert "The database is on another machine and its link uses sslmode=require" in result.stderr


def test_a_venue_worker_with_its_own_credentials_over_tls_passes() -> None:
    env = {
        k: v for k, v in PRODUCTION.items() if k not in {"SECRET_KEY", "MICBOARD_ENCRYPTION_KEYS"}
    }
    env["MICBOARD_PROCESS_ROLE"] = "venue-worker"
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("micboard:pw@", "venue_main_hall:pw@", 1)
    env["REDIS_URL"] = env["REDIS_URL"].replace(":pw@", "worker-main-hall:pw@", 1)
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_venue_worker_as_the_central_redis_user_is_warned() -> None:
    env = {
        k: v for k, v in PRODUCTION.items() if k not in {"SECRET_KEY", "MICBOARD_ENCRYPTION_KEYS"}
    }
    env["MICBOARD_PROCESS_ROLE"] = "venue-worker"
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("micboard:pw@", "venue_main_hall:pw@", 1)
    env["REDIS_URL"] = env["REDIS_URL"].replace(":pw@", "micboard:pw@", 1)
    result = check_deploy(env)
    assert result.returncode != 0
    assert "micboard.W013" in result.stderr
    assert "(CELERY_BROKER_URL, MICBOARD_REDIS_URL)" in result.stderr


def test_a_loopback_broker_needs_no_tls() -> None:
    env = {**PRODUCTION, "REDIS_URL": "redis://:pw@127.0.0.1:6379/0"}
    env["DATABASE_URL"] = "postgres://micboard:pw@localhost:5432/micboard"
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
