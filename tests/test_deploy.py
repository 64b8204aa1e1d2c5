"""deploy/: the compose file (compose-spec schema, services, health checks), the environment
template, the Dockerfile and the systemd units."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from django.conf import settings

from micboard.infrastructure import keys

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "micboard.env.example"
UNITS = DEPLOY / "systemd"
BIN = Path(sys.executable).parent

# Variables no micboard setting reads, with who reads them. Each is documented in
# docs/deployment.md; those read by a project file must appear in it.
SERVICE_VARS: dict[str, str] = {
    "DJANGO_SETTINGS_MODULE": "micboard/workers/celery.py",
    "MICBOARD_WORKER_HEARTBEAT_FILE": "micboard/workers/bootsteps.py",
    "MICBOARD_DB_ROLE_PASSWORD": "micboard/management/commands/micboard_db_roles.py",
    "MICBOARD_REDIS_ACL_PASSWORD": "micboard/management/commands/micboard_redis_acl.py",
    "FLOWER_BASIC_AUTH": "micboard/checks.py",
    "POSTGRES_DB": "the postgres image",
    "POSTGRES_USER": "the postgres image",
    "POSTGRES_PASSWORD": "the postgres image",
    "REDISCLI_AUTH": "the redis image's redis-cli",
    "MICBOARD_REDIS_PASSWORD": "compose interpolation",
    "MICBOARD_IMAGE": "compose interpolation",
    "MICBOARD_HTTP_PORT": "compose interpolation",
    "MICBOARD_HTTPS_PORT": "compose interpolation",
}


def tool(name: str) -> str | None:
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def command(service: dict[str, Any]) -> list[str]:
    raw = service.get("command", [])
    return raw.split() if isinstance(raw, str) else [str(part) for part in raw]


def celery_role(service: dict[str, Any]) -> str | None:
    """``worker``, ``beat`` or ``flower`` for a ``celery -A micboard.workers <role>`` service."""
    argv = command(service)
    if argv[:3] == ["celery", "-A", "micboard.workers"] and len(argv) > 3:
        return argv[3]
    return None


def queue_of(service: dict[str, Any]) -> str:
    argv = command(service)
    return argv[argv.index("-Q") + 1]


def python_snippet(healthcheck: dict[str, Any]) -> str:
    test = healthcheck["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    return str(test[3])


def run_snippet(code: str, env: dict[str, str]) -> int:
    result = subprocess.run(  # noqa: S603 - our own health-check code, no shell
        [sys.executable, "-c", code],
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        timeout=30,
        check=False,
    )
    return result.returncode


# --- the compose file -------------------------------------------------------------------


def test_compose_matches_the_compose_specification() -> None:
    checker = tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (dev extra)")
    result = subprocess.run(  # noqa: S603 - a dev tool on our own file, no shell
        [checker, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_would_catch_a_typo(tmp_path: Path) -> None:
    checker = tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (dev extra)")
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text().replace("restart: unless-stopped", "restat: always", 1))
    result = subprocess.run(  # noqa: S603 - a dev tool on a test file, no shell
        [checker, "--builtin-schema", "vendor.compose-spec", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1


def test_exactly_one_beat() -> None:
    beats = [name for name, service in services().items() if celery_role(service) == "beat"]
    assert beats == ["beat"]
    assert "deploy" not in services()["beat"]  # no replicas


def test_one_worker_per_example_venue_and_a_housekeeping_worker() -> None:
    workers = {
        queue_of(service): service
        for service in services().values()
        if celery_role(service) == "worker"
    }
    assert set(workers) == {"venue.main-hall", "venue.chapel", "micboard.housekeeping"}
    for queue, service in workers.items():
        assert service["environment"]["MICBOARD_WORKER_HEARTBEAT_FILE"].startswith("/srv/")
        assert service["healthcheck"]["test"][3] == "micboard.workers.probe", queue


def test_every_long_running_service_restarts_and_has_a_health_check() -> None:
    for name, service in services().items():
        if name == "migrate":
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
        assert not service["healthcheck"].get("disable", False), name


def test_the_migrate_step_runs_once_before_the_rest() -> None:
    migrate = services()["migrate"]
    assert migrate["restart"] == "no"
    script = " ".join(command(migrate))
    steps = (
        "migrate --noinput",
        "micboard_db_roles --apply",
        "collectstatic",
        "micboard_schedules",
    )
    order = [script.index(step) for step in steps]
    assert order == sorted(order)
    for name in ("web", "beat", "worker-main-hall", "worker-chapel", "worker-housekeeping"):
        depends = services()[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name


def test_images_and_health_checks_of_the_backing_services() -> None:
    postgres, redis_service = services()["postgres"], services()["redis"]
    assert postgres["image"] == "postgres:16"
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert redis_service["image"] == "redis:7"
    assert redis_service["healthcheck"]["test"][0] == "CMD-SHELL"
    assert redis_service["healthcheck"]["test"][1].startswith("redis-cli --user micboard ping")
    assert "/admin/login/" in python_snippet(services()["web"]["healthcheck"])
    assert command(services()["web"])[:2] == ["gunicorn", "micboard.project.wsgi:application"]


def test_only_the_proxy_listens_beyond_loopback() -> None:
    for name, service in services().items():
        for port in service.get("ports", []):
            if name != "proxy":
                assert str(port).startswith("127.0.0.1:"), (name, port)
    assert services()["flower"]["ports"] == ["127.0.0.1:5555:5555"]


def test_state_lives_in_named_volumes() -> None:
    assert set(compose()["volumes"]) == {"postgres-data", "static", "media"}
    assert "media:/srv/micboard/media" in services()["web"]["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in services()["postgres"]["volumes"]


def test_heartbeat_health_check_fails_a_dead_or_wedged_worker(tmp_path: Path) -> None:
    test = services()["worker-chapel"]["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python", "-m", "micboard.workers.probe"]
    heartbeat = tmp_path / "worker.heartbeat"
    env = {**os.environ, "MICBOARD_WORKER_HEARTBEAT_FILE": str(heartbeat)}

    def probe(body: dict[str, float | None] | None) -> int:
        if body is not None:
            heartbeat.write_text(json.dumps(body))
        command = [sys.executable, *test[2:]]
        return subprocess.run(command, env=env, timeout=30, check=False).returncode  # noqa: S603

    now = time.time()
    assert probe(None) != 0  # no file yet
    assert probe({"at": now, "started_at": now - 600, "task_done_at": now - 5}) == 0
    assert probe({"at": now - 60, "started_at": now - 600, "task_done_at": now - 60}) == 1
    assert probe({"at": now, "started_at": now - 600, "task_done_at": now - 300}) == 1


def test_venue_workers_run_the_thread_pool_everywhere() -> None:
    assert " --pool threads " in unit("micboard-worker@.service")["Service"]["ExecStart"]
    for name in ("worker-main-hall", "worker-chapel"):
        assert "--pool=threads" in services()[name]["command"]


def test_the_worker_probe_timer_restarts_only_that_venues_worker() -> None:
    probe = unit("micboard-worker-probe@.service")["Service"]["ExecStart"]
    assert "--file /run/micboard-worker/%i/heartbeat" in probe
    assert probe.endswith("|| systemctl restart micboard-worker@%i.service'")
    assert unit("micboard-worker-probe@.timer")["Timer"]["OnUnitActiveSec"] == "15s"


def test_beat_health_check_looks_for_the_leader_lock(redis_client: redis.Redis) -> None:
    code = python_snippet(services()["beat"]["healthcheck"])
    prefix = settings.MICBOARD_KEY_PREFIX
    env = {"REDIS_URL": settings.MICBOARD_REDIS_URL, "MICBOARD_KEY_PREFIX": prefix}
    assert run_snippet(code, env) == 1
    redis_client.set(keys.prefixed(prefix, keys.BEAT_LEADER), "token", ex=15)
    assert run_snippet(code, env) == 0


def test_health_check_snippets_compile() -> None:
    for name, service in services().items():
        test = service.get("healthcheck", {}).get("test", [])
        if test[:3] == ["CMD", "python", "-c"]:
            compile(test[3], f"{name} healthcheck", "exec")


# --- environment variables --------------------------------------------------------------


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            values[match[1]] = match[2]
    return values


def variables_in_use() -> set[str]:
    text = COMPOSE.read_text()
    names = set(env_example())
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    names |= set(re.findall(r"os\.environ(?:\.get\(|\[)'([A-Z][A-Z0-9_]*)'", text))
    for service in services().values():
        environment = service.get("environment", {})
        names |= set(environment if isinstance(environment, dict) else [])
    for unit in UNITS.glob("*.service"):
        names |= set(re.findall(r"^Environment=([A-Z][A-Z0-9_]*)=", unit.read_text(), re.M))
    return names


def test_every_variable_is_a_setting_or_a_documented_service_variable() -> None:
    settings_source = "\n".join(
        path.read_text() for path in (ROOT / "micboard" / "project").glob("*.py")
    )
    deployment_doc = (ROOT / "docs" / "deployment.md").read_text()
    unknown = []
    for name in sorted(variables_in_use()):
        if f'"{name}"' in settings_source:
            continue
        if name not in SERVICE_VARS:
            unknown.append(name)
            continue
        assert f"`{name}`" in deployment_doc, f"{name} is not documented in docs/deployment.md"
        reader = ROOT / SERVICE_VARS[name]
        if reader.suffix == ".py":
            assert name in reader.read_text(), f"{reader} does not read {name}"
    assert unknown == [], "used in deploy/ but read by nothing"


def test_the_environment_template_is_for_production() -> None:
    values = env_example()
    assert values["DJANGO_DEBUG"] == "false"
    assert values["SECRET_KEY"] == "change-me"
    assert values["LOG_FORMAT"] == "json"
    assert "localhost" in values["ALLOWED_HOSTS"].split(",")  # the web health check
    assert values["MICBOARD_BEHIND_TLS_PROXY"] == "true"
    assert ":change-me@" in values["DATABASE_URL"]
    assert values["POSTGRES_PASSWORD"] == "change-me"
    assert values["FLOWER_BASIC_AUTH"].endswith(":change-me")
    assert values["REDIS_URL"].startswith("redis://micboard:change-me@")
    assert values["MICBOARD_REDIS_PASSWORD"] == "change-me"


# --- the image --------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_with_static_files() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    froms = [line for line in lines if line.startswith("FROM ")]
    assert len(froms) == 2  # build stage, runtime stage
    assert all(line.startswith("FROM python:3.11-slim") for line in froms)
    assert any("pip install ." in line for line in lines)
    assert any("collectstatic --noinput" in line for line in lines)
    users = [line for line in lines if line.startswith("USER ")]
    assert users == ["USER micboard"]
    assert services()["migrate"]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}


# --- systemd ----------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


SERVICES = [
    "micboard-web.service",
    "micboard-worker@.service",
    "micboard-housekeeping.service",
    "micboard-beat.service",
    "micboard-flower.service",
]


@pytest.mark.parametrize("name", SERVICES)
def test_units_run_as_micboard_with_the_shared_environment_and_hardening(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "micboard"
    # A venue worker reads its venue's own file, never the central one.
    venue = "@" in name
    assert service["EnvironmentFile"] == (
        "/etc/micboard/venue-%i.env" if venue else "/etc/micboard/micboard.env"
    )
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ExecStart"].startswith("/opt/micboard/venv/bin/")
    assert unit(name)["Install"]["WantedBy"] == "micboard.target"


def test_worker_template_serves_one_venue_queue_with_its_own_heartbeat() -> None:
    service = unit("micboard-worker@.service")["Service"]
    assert " -Q venue.%i " in service["ExecStart"]
    environment = (UNITS / "micboard-worker@.service").read_text()
    assert "Environment=MICBOARD_WORKER_HEARTBEAT_FILE=/run/micboard-worker/%i/heartbeat\n" in (
        environment
    )
    assert "Environment=MICBOARD_WORKER_QUEUE=venue.%i\n" in environment
    assert " --without-gossip --without-mingle " in service["ExecStart"]
    assert service["ReadWritePaths"] == "/run/micboard-worker/%i"
    assert service["RuntimeDirectory"] == "micboard-worker/%i"


def test_web_beat_and_flower_commands() -> None:
    assert (
        "gunicorn micboard.project.wsgi:application"
        in unit("micboard-web.service")["Service"]["ExecStart"]
    )
    assert unit("micboard-beat.service")["Service"]["ExecStart"].endswith(
        "celery -A micboard.workers beat --loglevel INFO"
    )
    assert "--address=127.0.0.1" in unit("micboard-flower.service")["Service"]["ExecStart"]
    housekeeping = unit("micboard-housekeeping.service")["Service"]["ExecStart"]
    assert " -Q micboard.housekeeping " in housekeeping


def test_flowers_password_is_never_on_its_command_line() -> None:
    """``ps`` shows every argument: Flower reads FLOWER_BASIC_AUTH from its environment."""
    lines = [
        unit("micboard-flower.service")["Service"]["ExecStart"],
        " ".join(command(services()["flower"])),
    ]
    assert all("flower" in line and "basic" not in line for line in lines), lines
    assert "micboard.env" in unit("micboard-flower.service")["Service"]["EnvironmentFile"]


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as systemd reads them, with stand-ins for the virtualenv's commands."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    for name in ("gunicorn", "celery"):
        (stand_ins / name).write_text("#!/bin/sh\n")
        (stand_ins / name).chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for path in UNITS.iterdir():
        text = path.read_text().replace("/opt/micboard/venv/bin/", f"{stand_ins}/")
        (units / path.name).write_text(text)
    names = [*(n for n in SERVICES if "@" not in n), "micboard-worker@main-hall.service"]
    result = subprocess.run(  # noqa: S603 - a system tool on test copies, no shell
        [analyze, "verify", "--man=no", *names, "micboard.target"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=units,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 and "Failed to initialize manager" in output:
        pytest.skip(f"systemd-analyze cannot run here: {output.splitlines()[0]}")
    assert (result.returncode, output) == (0, "")
