"""A central site reached only over TLS, for the venue-worker tests: a throwaway PostgreSQL
cluster with ``ssl = on`` and a Redis on a TLS port with ACL users, both with certificates
of a test CA made here, migrated once per session.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from celery import Celery

from micboard.devtools.processes import Child, ProcessGroup
from micboard.devtools.secure_links import (
    Authority,
    PostgresCluster,
    TlsRedis,
    make_authority,
    postgres_unavailable,
    redis_unavailable,
)

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "micboard"
ADMIN_PASSWORD = "central-admin-test-password"
REDIS_ADMIN_PASSWORD = "central-redis-test-password"
_numbers = itertools.count(1)


@dataclass
class Venue:
    slug: str
    id: int
    queue: str
    receivers: list[int]


@dataclass
class SecureSite:
    authority: Authority
    wrong: Authority
    postgres: PostgresCluster
    redis: TlsRedis
    run_id: str
    logins: dict[str, str] = field(default_factory=dict)

    # --- the central site's credentials ------------------------------------------------

    def admin_database_url(self) -> str:
        return self.postgres.url(
            user=self.postgres.admin,
            password=ADMIN_PASSWORD,
            database=DATABASE,
            ca=self.authority.ca_cert,
        )

    def admin_redis_url(self) -> str:
        return self.redis.url(
            user="admin", password=REDIS_ADMIN_PASSWORD, ca=self.authority.ca_cert
        )

    def central_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "micboard.project.settings_test",
            "DATABASE_URL": self.admin_database_url(),
            "MICBOARD_TEST_REDIS_URL": self.admin_redis_url(),
            "MICBOARD_TEST_RUN_ID": self.run_id,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env or self.central_env(),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def admin_sql(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.admin_database_url(), autocommit=True) as conn:
            cursor = conn.execute(sql.encode(), params)  # type: ignore[call-overload]
            return list(cursor.fetchall()) if cursor.description else []

    def admin_sql_on(self, database: str, sql: str) -> None:
        url = self.postgres.url(
            user=self.postgres.admin,
            password=ADMIN_PASSWORD,
            database=database,
            ca=self.authority.ca_cert,
        )
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.encode())  # type: ignore[call-overload]

    def admin_redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.admin_redis_url(), socket_timeout=5)

    # --- venues and their workers' credentials -----------------------------------------

    def add_venues(self, **receivers: list[tuple[str | int, ...]]) -> dict[str, Venue]:
        """Venues named by the keywords (made unique), a receiver per (model, port) each, or
        (model, port, protocol, device password)."""
        number = next(_numbers)
        specs = [
            f"{name}-{number}=" + ",".join(":".join(map(str, item)) for item in listed)
            for name, listed in receivers.items()
        ]
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tests.system.secure_seed", *specs],
            env=self.central_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        if done.returncode:
            raise AssertionError(f"seeding failed:\n{done.stdout}{done.stderr}")
        made = json.loads(done.stdout.strip().splitlines()[-1])
        return {
            name: Venue(slug=f"{name}-{number}", **made[f"{name}-{number}"]) for name in receivers
        }

    def venue_login(self, venue: Venue, password: str = "") -> tuple[str, str]:
        """The venue's database login role and password (made with micboard_db_roles; run
        again with another password, it rotates it)."""
        login = "venue_" + venue.slug.replace("-", "_")
        password = password or f"db-{login}-password"
        env = {**self.central_env(), "MICBOARD_DB_ROLE_PASSWORD": password}
        self.manage(
            "micboard_db_roles", "--apply", "--venue", venue.slug, "--login", login, env=env
        )
        return login, password

    def redis_user(self, venue: Venue, password: str = "") -> tuple[str, str]:
        """The venue's Redis ACL user and password (made with micboard_redis_acl, written
        into the ACL file and applied to the running server; again, it rotates it)."""
        user = f"worker-{venue.slug}"
        password = password or f"redis-{user}-password"
        env = {**self.central_env(), "MICBOARD_REDIS_ACL_PASSWORD": password}
        self.manage(
            "micboard_redis_acl", "--venue", venue.slug, "--user", user,
            "--aclfile", str(self.redis.aclfile), "--apply", env=env,
        )  # fmt: skip
        return user, password

    def publish(self, task: str, args: list[object], queue: str, **kwargs: object) -> None:
        """Publish as the central site does (its own Redis user), over TLS."""
        app = Celery("central", broker=self.admin_redis_url(), set_as_current=False)
        app.conf.broker_transport_options = {"sep": ":", "queue_order_strategy": "priority"}
        with app.connection_for_write() as conn:
            app.send_task(task, args=args, kwargs=kwargs, queue=queue, connection=conn)

    def worker_database_url(self, login: str, password: str, *, ca: Path | None = None) -> str:
        return self.postgres.url(
            user=login, password=password, database=DATABASE, ca=ca or self.authority.ca_cert
        )

    def worker_redis_url(self, user: str, password: str, *, ca: Path | None = None) -> str:
        return self.redis.url(user=user, password=password, ca=ca or self.authority.ca_cert)

    def worker_env(
        self, venue: Venue, database_url: str, redis_url: str, heartbeat: Path
    ) -> dict[str, str]:
        """A venue worker's whole environment: its own credentials, no central secret."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MICBOARD_TEST_REDIS_URL"}
        }
        return {
            **env,
            "DJANGO_SETTINGS_MODULE": "micboard.project.settings_test",
            "MICBOARD_PROCESS_ROLE": "venue-worker",
            "MICBOARD_WORKER_QUEUE": venue.queue,
            "MICBOARD_WORKER_CHECK_LINKS": "true",
            "MICBOARD_WORKER_HEARTBEAT_FILE": str(heartbeat),
            "DATABASE_URL": database_url,
            "MICBOARD_TEST_REDIS_URL": redis_url,
            "MICBOARD_TEST_RUN_ID": self.run_id,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }


def start_venue_worker(  # noqa: PLR0917 - each part of a worker's start
    processes: ProcessGroup, site: SecureSite, venue: Venue, db_url: str, redis_url: str, tmp: Path
) -> Child:
    """A venue worker process with only the credentials given, as a venue runs it."""
    env = site.worker_env(venue, db_url, redis_url, tmp / f"{venue.slug}.heartbeat")
    argv = [
        sys.executable, "-m", "celery", "-A", "micboard.workers",
        "worker", "-Q", venue.queue, "-n", f"{venue.slug}@%h", "--pool", "threads",
        "--concurrency", "1", "--loglevel", "INFO", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    return processes.start(f"worker-{venue.slug}", argv, env)


def log_text(child: Child) -> str:
    child.log_file.flush()
    return child.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def secure_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureSite]:
    """Started once per session: the TLS PostgreSQL (migrated, roles applied) and Redis."""
    problem = postgres_unavailable() or redis_unavailable()
    if problem and os.environ.get("CI") == "true":
        # CI installs both (.github/workflows/ci.yml): a skip there would hide these tests.
        pytest.fail(f"cannot start the TLS servers: {problem}")
    if problem:
        pytest.skip(f"cannot start the TLS servers: {problem}")
    certs = tmp_path_factory.mktemp("tls")
    certs.chmod(0o755)  # the PostgreSQL server user reads the CA beside its own files
    authority = make_authority(certs, "central")
    wrong = make_authority(certs, "stranger")
    postgres = PostgresCluster.start(authority, password=ADMIN_PASSWORD)
    try:
        tls_redis = TlsRedis.start(authority, admin_password=REDIS_ADMIN_PASSWORD)
    except BaseException:
        postgres.stop()
        raise
    site = SecureSite(authority, wrong, postgres, tls_redis, os.environ["MICBOARD_TEST_RUN_ID"])
    try:
        site.admin_sql_on("postgres", f"CREATE DATABASE {DATABASE}")
        site.manage("migrate", "--noinput", "-v", "0")
        site.manage("micboard_db_roles", "--apply")
        yield site
    finally:
        tls_redis.stop()
        postgres.stop()
