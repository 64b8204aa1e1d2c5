"""The demo: a venue of simulated receivers synced live by a worker, beat, Flower and the web."""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from micboard.composition import device_service, location_service
from micboard.devtools.broker import (
    BrokerAddress,
    BrokerUnavailableError,
    prepare_redis_server,
    redis_answers,
    redis_server_command,
    wait_until_answers,
)
from micboard.devtools.processes import ProcessGroup
from micboard.models import Receiver, ReceiverStatus, Venue
from micboard.services.dto import ReceiverInput
from micboard.services.locations import venue_runtime_levels_set
from micboard.services.scheduling import schedules_apply
from micboard.simulator import DEMO_MODELS, demo_models

DEMO_SLUG = "demo"
DEMO_DRAIN = 0.2
"""Battery minutes the demo's transmitters lose per second: 12 times real time, so batteries
visibly run down while the wall, two minutes in, is still mostly green."""
DEMO_RUNTIME_LEVELS = (60, 20)
"""The demo venue judges batteries by runtime: REPLACE under 1 h left, CRITICAL under 20 min."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    receivers: int = 8
    models: tuple[str, ...] = DEMO_MODELS
    simulator_base_port: int = 24000
    web_port: int = 8000
    flower_port: int = 5555
    poll_interval: int = 5
    log_dir: Path = Path("var/log")
    drain: float = DEMO_DRAIN


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str


def start_broker(group: ProcessGroup, url: str) -> str:
    """Use the Redis at ``url``, or run a private one that stops with the demo."""
    address = BrokerAddress.from_url(url)
    if redis_answers(address):
        return f"Redis answers at {address.host}:{address.port}"
    prepare_redis_server(address)
    state_dir = Path("var/redis").resolve()
    group.start("redis", redis_server_command(address, state_dir, daemonize=False), {})
    if not wait_until_answers(address, seconds=10):
        raise BrokerUnavailableError(f"redis-server on port {address.port} does not answer")
    return f"started a private redis-server on 127.0.0.1:{address.port}"


def demo_venue(options: DemoOptions) -> Venue:
    """Create or refresh the demo venue and its receivers (idempotent)."""
    venue = location_service().venue_get_or_create(name="Demo Theatre", slug=DEMO_SLUG)
    replace, critical = DEMO_RUNTIME_LEVELS
    venue_runtime_levels_set(venue=venue, replace_minutes=replace, critical_minutes=critical)
    devices = device_service()
    wanted = {}
    for index, model in enumerate(demo_models(options.receivers, models=options.models)):
        port = options.simulator_base_port + index
        wanted[port] = ReceiverInput(
            name=f"Rack {index + 1} {model}",
            model=model,
            host="127.0.0.1",
            port=port,
            poll_interval=options.poll_interval,
        )
    for receiver in Receiver.objects.filter(venue=venue):
        data = wanted.pop(receiver.port, None)
        if data is None:
            devices.receiver_remove(receiver=receiver)
        else:
            devices.receiver_update(receiver=receiver, data=data)
    for data in wanted.values():
        devices.receiver_register(venue=venue, data=data)
    schedules_apply()
    return venue


def admin_credentials() -> Credentials:
    username = os.environ.get("MICBOARD_DEMO_USER", "admin")
    password = os.environ.get("MICBOARD_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return Credentials(username, password)


def flower_credentials() -> Credentials:
    raw = os.environ.get("FLOWER_BASIC_AUTH", "")
    if ":" in raw:
        user, _, password = raw.partition(":")
        return Credentials(user, password)
    return Credentials("flower", secrets.token_urlsafe(9))


def start_processes(
    group: ProcessGroup, venue: Venue, options: DemoOptions, flower: Credentials
) -> None:
    python = sys.executable
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LOG_FORMAT": "console"}
    celery = [python, "-m", "celery", "-A", "micboard.workers"]
    queues = f"{venue.queue_name},{settings.CELERY_TASK_DEFAULT_QUEUE}"
    group.start(
        "simulator",
        [python, "-m", "micboard.simulator", "--count", str(options.receivers),
         "--models", ",".join(options.models),
         "--base-port", str(options.simulator_base_port), "--drain", str(options.drain)],
        env,
    )  # fmt: skip
    group.start(
        "worker",
        [*celery, "worker", "-Q", queues, "-P", "threads", "-c", "4",
         "-n", f"{venue.slug}@%h", "-E", "--loglevel", "INFO"],
        {**env, "MICBOARD_WORKER_HEARTBEAT_FILE": str(options.log_dir / "worker.heartbeat")},
    )  # fmt: skip
    group.start(
        "beat",
        [*celery, "beat", "--loglevel", "WARNING", "-s", str(options.log_dir / "beat-schedule")],
        env,
    )
    group.start(
        "flower",
        [*celery, "flower", f"--port={options.flower_port}", "--address=127.0.0.1"],
        # Through the environment, not the command line: ``ps`` shows every argv.
        {**env, "FLOWER_BASIC_AUTH": f"{flower.username}:{flower.password}"},
    )  # fmt: skip
    group.start(
        "web",
        [python, "manage.py", "runserver", f"127.0.0.1:{options.web_port}", "--noreload"],
        env,
    )


def wait_until_online(
    venue: Venue, *, seconds: float, still_running: Callable[[], None] = lambda: None
) -> int:
    """Seconds-bounded wait; returns how many receivers answered since the wait began.

    ``still_running`` is called every round and raises when a process has died."""
    since = timezone.now()
    deadline = time.monotonic() + seconds
    online = 0
    total = Receiver.objects.filter(venue=venue).count()
    while time.monotonic() < deadline:
        still_running()
        online = Receiver.objects.filter(
            venue=venue, status=ReceiverStatus.ONLINE, last_seen_at__gte=since
        ).count()
        if online == total:
            break
        time.sleep(0.5)
    return online
