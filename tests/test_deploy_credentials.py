"""deploy/: the central site and each venue worker hold separate credentials, and the compose
file's Redis takes its users from the ACL file micboard_redis_acl writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
from django.core.management import call_command

from micboard.infrastructure import redis_acl
from tests.factories import make_venue
from tests.ports import free_port
from tests.test_deploy import DEPLOY, celery_role, command, env_example, queue_of, services
from tests.waiting import wait_for

VENUE_ENV = DEPLOY / "venue-worker.env.example"
CENTRAL_SECRETS = (
    "SECRET_KEY",
    "MICBOARD_ENCRYPTION_KEYS",
    "FLOWER_BASIC_AUTH",
    "POSTGRES_PASSWORD",
    "MICBOARD_REDIS_PASSWORD",
)


def venue_env(*, commented: bool = False) -> dict[str, str]:
    """The venue template's variables; ``commented``: the compose alternatives it shows."""
    pattern = r"^#\s+([A-Z][A-Z0-9_]+)=(.*)$" if commented else r"^([A-Z][A-Z0-9_]+)=(.*)$"
    return {
        match[1]: match[2]
        for line in VENUE_ENV.read_text().splitlines()
        if (match := re.match(pattern, line))
    }


def user_of(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def micboard_services() -> dict[str, dict[str, object]]:
    return {name: service for name, service in services().items() if "build" in service}


def test_central_processes_read_the_central_file_and_each_venue_worker_its_own() -> None:
    venue_files = []
    for name, service in micboard_services().items():
        venue = celery_role(service) == "worker" and queue_of(service).startswith("venue.")
        if not venue:
            assert service["env_file"] == ["micboard.env"], name
            continue
        slug = queue_of(service).removeprefix("venue.")
        assert service["env_file"] == [f"venue-{slug}.env"], name
        environment = service["environment"]
        assert isinstance(environment, dict)
        assert environment["MICBOARD_WORKER_QUEUE"] == queue_of(service), name
        assert {"--without-gossip", "--without-mingle"} <= set(command(service)), name
        venue_files.append(f"venue-{slug}.env")
    assert sorted(venue_files) == ["venue-chapel.env", "venue-main-hall.env"]


def test_the_venue_template_shares_no_credential_with_the_central_one() -> None:
    central, venue = env_example(), venue_env()
    assert venue["MICBOARD_PROCESS_ROLE"] == "venue-worker"
    assert not set(CENTRAL_SECRETS) & set(venue)
    assert "sslmode=verify-full" in venue["DATABASE_URL"]
    assert venue["REDIS_URL"].startswith("rediss://worker-")
    assert "ssl_cert_reqs=required" in venue["REDIS_URL"]
    # The remote URLs and the compose ones: never the central database or Redis user.
    compose = venue_env(commented=True)
    for name in ("DATABASE_URL", "REDIS_URL"):
        for url in (venue[name], compose[name]):
            assert user_of(url) != user_of(central[name]), (name, url)
    assert compose["DATABASE_URL"].split("@")[1].startswith("postgres:5432/")
    assert compose["REDIS_URL"].split("@")[1].startswith("redis:6379/")


def acl_mounts() -> tuple[str, str]:
    """The host directory of the Redis ACL file and the file's path inside redis."""
    argv = command(services()["redis"])
    inside = argv[argv.index("--aclfile") + 1]
    host = {
        volume.split(":")[0]
        for volume in services()["redis"]["volumes"]
        if inside.startswith(volume.split(":")[1] + "/")
    }
    assert len(host) == 1
    return host.pop(), inside


def test_the_acl_file_is_the_one_micboard_writes_and_redis_runs_as_its_owner() -> None:
    host, inside = acl_mounts()
    assert services()["redis"]["volumes"] == [f"{host}:{Path(inside).parent}:ro"]
    # micboard_redis_acl runs in the migrate service (docs/deployment.md), as uid 10001.
    assert f"{host}:/srv/micboard/redis" in services()["migrate"]["volumes"]
    assert "--uid 10001" in (DEPLOY / "Dockerfile").read_text()
    assert services()["redis"]["user"] == "10001:10001"
    assert services()["redis"]["environment"] == {
        "REDISCLI_AUTH": "${MICBOARD_REDIS_PASSWORD:?set MICBOARD_REDIS_PASSWORD in "
        "micboard.env and pass --env-file micboard.env}"
    }


@pytest.mark.django_db
def test_the_compose_redis_takes_its_users_from_the_written_acl_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        # CI installs them (.github/workflows/ci.yml): there, a skip would hide this test.
        assert os.environ.get("CI") != "true", "CI has no redis-server or redis-cli"
        pytest.skip("redis-server and redis-cli are not installed")
    _, inside = acl_mounts()
    aclfile = tmp_path / Path(inside).name
    venue = make_venue()
    monkeypatch.setenv("MICBOARD_REDIS_ACL_PASSWORD", "central-pw")
    call_command("micboard_redis_acl", "--central", "--user", "micboard", "--aclfile", str(aclfile))
    monkeypatch.setenv("MICBOARD_REDIS_ACL_PASSWORD", "venue-pw")
    call_command(
        "micboard_redis_acl", "--venue", venue.slug, "--user", "worker-a",
        "--aclfile", str(aclfile),
    )  # fmt: skip
    assert aclfile.read_text().splitlines()[0] == redis_acl.DEFAULT_USER_OFF

    argv = command(services()["redis"])
    argv[argv.index("--aclfile") + 1] = str(aclfile)
    port = free_port()
    argv += ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path)]
    with (tmp_path / "redis.log").open("ab") as log:
        server = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        (shell, script) = services()["redis"]["healthcheck"]["test"]
        assert shell == "CMD-SHELL"

        def health_check(password: str) -> bool:
            done = subprocess.run(  # noqa: S603 - the compose file's own health check
                ["/bin/sh", "-c", script.replace("redis-cli", f"redis-cli -p {port}", 1)],
                env={"PATH": "/usr/bin:/bin", "REDISCLI_AUTH": password},
                capture_output=True,
                timeout=10,
                check=False,
            )
            return done.returncode == 0

        wait_for(lambda: health_check("central-pw"), timeout=10, what="redis to answer")
        assert not health_check("wrong")
        anonymous = redis.Redis(port=port, socket_timeout=5)
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()
        worker = redis.Redis(port=port, username="worker-a", password="venue-pw", socket_timeout=5)
        worker.lpush(venue.queue_name, "m")
        with pytest.raises(redis.exceptions.NoPermissionError):
            worker.flushall()
        central = redis.Redis(port=port, username="micboard", password="central-pw")
        assert central.llen(venue.queue_name) == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
