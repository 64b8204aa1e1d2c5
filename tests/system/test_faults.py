"""Faults operators meet, each with the real parts: processes killed, Redis restarted,
PostgreSQL unreachable, beat started twice."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection

from micboard.devtools.broker import BrokerAddress, redis_server_command, wait_until_answers
from micboard.devtools.processes import Child, ProcessGroup, tail
from micboard.infrastructure import keys
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Channel, DispatchCycle, Receiver, ReceiverStatus
from micboard.workers.scheduler import LEADER_TTL
from tests.conftest import queue_depth
from tests.factories import make_receiver, make_venue
from tests.ports import free_port
from tests.system.conftest import celery_command, child_env, register_fleet
from tests.tcp_proxy import TcpProxy
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def last_sync(receiver: Receiver) -> datetime | None:
    return Receiver.objects.get(pk=receiver.pk).last_sync_at


def synced_after(receiver: Receiver, moment: datetime | None = None) -> bool:
    """Online, and (when ``moment`` is given) synced since then."""
    seen = Receiver.objects.filter(pk=receiver.pk, status=ReceiverStatus.ONLINE).first()
    if seen is None or seen.last_sync_at is None:
        return False
    return moment is None or seen.last_sync_at > moment


def log_events(child: Child) -> list[dict[str, Any]]:
    """The JSON log events a process wrote (LOG_FORMAT=json); other lines are skipped."""
    events = []
    for line in child.log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
    return events


def failed_tasks(child: Child) -> list[dict[str, Any]]:
    return [event for event in log_events(child) if event.get("event") == "task_failed"]


def start_worker_process(group: ProcessGroup, name: str, queue: str, env: dict[str, str]) -> Child:
    return group.start(
        name, celery_command("worker", "-Q", queue, "-c", "1", "-n", f"{name}@%h"), env
    )


def start_beat_process(group: ProcessGroup, name: str, env: dict[str, str], tmp: Path) -> Child:
    return group.start(name, celery_command("beat", "-s", str(tmp / f"{name}.schedule")), env)


def test_worker_killed_mid_sync(
    start_fleet: Callable[..., Fleet], processes: ProcessGroup, tmp_path: Path
) -> None:
    interval = 3
    fleet = start_fleet("ULXD4D")
    venue, (receiver,) = register_fleet(fleet, poll_interval=interval)
    env = child_env(MICBOARD_DEVICE_TIMEOUT="4")
    start_worker_process(processes, "doomed", venue.queue_name, env)
    start_beat_process(processes, "beat", env, tmp_path)
    wait_for(lambda: synced_after(receiver), timeout=45, what="the first sync")
    simulated = fleet.receiver(0)
    simulated.latency = 2.0  # long enough to kill the worker while it waits for the reply
    wait_for(lambda: simulated.connection_count > 0, timeout=15, interval=0.02, what="a sync")
    processes.kill(processes.children[0])
    killed_at = Receiver.objects.get(pk=receiver.pk).last_sync_at
    assert killed_at is not None
    simulated.latency = 0.0
    # Nothing half-written: the receiver still shows its last complete poll.
    assert Channel.objects.filter(receiver=receiver).count() == 2
    start_worker_process(processes, "spare", venue.queue_name, env)
    began = time.monotonic()
    wait_for(lambda: synced_after(receiver, killed_at), timeout=30, what="a sync after the kill")
    # The lock of the killed sync expired: a sync followed within two poll intervals of the
    # spare worker being up (its start-up is at most a few seconds here).
    assert time.monotonic() - began < 2 * interval + 10


def test_redis_restart_is_survived(
    start_fleet: Callable[..., Fleet], processes: ProcessGroup, tmp_path: Path
) -> None:
    port = free_port()
    address = BrokerAddress("127.0.0.1", port)
    redis_server = redis_server_command(address, tmp_path / "redis", daemonize=False)
    broker = processes.start("redis", redis_server, {})
    assert wait_until_answers(address, seconds=10)
    fleet = start_fleet("ULXD4")
    venue, (receiver,) = register_fleet(fleet, poll_interval=1)
    env = child_env(MICBOARD_TEST_REDIS_URL=f"redis://127.0.0.1:{port}/15")
    worker = start_worker_process(processes, "worker", venue.queue_name, env)
    start_beat_process(processes, "beat", env, tmp_path)
    wait_for(lambda: synced_after(receiver), timeout=45, what="the first sync")

    processes.kill(broker)
    # Restart Redis once the worker has met the outage, not after a guessed pause.
    wait_for(lambda: "Connection to broker lost" in worker.log_path.read_text(), timeout=30,
             what="the worker to lose the broker")  # fmt: skip
    processes.start(
        "redis-again", redis_server_command(address, tmp_path / "redis", daemonize=False), {}
    )
    assert wait_until_answers(address, seconds=10)
    restarted = last_sync(receiver)
    assert restarted is not None
    wait_for(lambda: synced_after(receiver, restarted), timeout=30, interval=0.5,
             what="syncing to resume after the Redis restart")  # fmt: skip


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="PostgreSQL fault test: run with DATABASE_URL=postgres://... (as .ci/run does)",
)
def test_postgresql_outage_is_survived(
    start_fleet: Callable[..., Fleet], processes: ProcessGroup, tmp_path: Path
) -> None:
    db = connection.settings_dict
    fleet = start_fleet("ULXD4Q")
    venue, (receiver,) = register_fleet(fleet, poll_interval=1)
    with TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as proxy:
        credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
        url = f"postgres://{credentials}127.0.0.1:{proxy.port}/{db['NAME']}"
        env = child_env(DATABASE_URL=url, LOG_FORMAT="json")
        worker = start_worker_process(processes, "worker", venue.queue_name, env)
        start_beat_process(processes, "beat", env, tmp_path)
        wait_for(lambda: synced_after(receiver), timeout=45, what="the first sync")
        assert failed_tasks(worker) == []
        proxy.cut()
        # The outage lasts until the worker has met it: a task failed on the database.
        wait_for(lambda: failed_tasks(worker), timeout=30, interval=0.2,
                 what="a task to fail on the unreachable database")  # fmt: skip
        proxy.restore()
        back = last_sync(receiver)
        assert back is not None
        wait_for(lambda: synced_after(receiver, back), timeout=30, interval=0.5,
                 what="syncing to resume after the outage")  # fmt: skip
    assert Channel.objects.filter(receiver=receiver).count() == 4
    # Every failure was the database refusing the connection, logged as one task_failed event.
    errors = {event["error"].partition(":")[0] for event in failed_tasks(worker)}
    assert errors == {"OperationalError"}


def test_a_second_beat_stands_by_instead_of_doubling(
    processes: ProcessGroup, tmp_path: Path, redis_client: redis.Redis
) -> None:
    venue = make_venue()
    make_receiver(venue)
    env = child_env()
    start_worker_process(processes, "worker", venue.queue_name, env)
    start_beat_process(processes, "first", env, tmp_path)
    first = processes.children[-1]
    cycles = DispatchCycle.objects.filter(venue=venue)
    wait_for(cycles.exists, timeout=30, what="a dispatch cycle")
    start_beat_process(processes, "second", env, tmp_path)
    second = processes.children[-1]
    wait_for(lambda: "beat_standing_by" in tail(second.log_path, 50), timeout=30)
    before = cycles.count()
    time.sleep(4)
    sent = cycles.count() - before
    assert 2 <= sent <= 6, f"{sent} dispatch cycles in 4 s from two beats"

    processes.kill(first)
    killed = time.monotonic()
    wait_for(lambda: "beat_leadership_acquired" in tail(second.log_path, 50), timeout=30,
             interval=0.05, what="the standby to take over")  # fmt: skip
    # Within one poll interval of the shortest in use (5 s here): the lease is 2 s.
    assert time.monotonic() - killed < LEADER_TTL + 2
    resumed = cycles.count()
    wait_for(lambda: cycles.count() > resumed, timeout=10, what="dispatches from the new leader")


def test_beat_holds_back_a_venues_dispatch_while_the_last_one_waits(
    processes: ProcessGroup, tmp_path: Path, redis_client: redis.Redis
) -> None:
    """No worker consumes the queue: an outage leaves one dispatch, not one per second."""
    venue = make_venue()
    make_receiver(venue)
    start_beat_process(processes, "beat", child_env(), tmp_path)
    wait_for(lambda: queue_depth(redis_client, venue.queue_name) == 1, timeout=30, what="beat")
    time.sleep(3)
    assert queue_depth(redis_client, venue.queue_name) == 1
    # A worker consuming it lets beat send the next one.
    redis_client.delete(keys.prefixed(settings.MICBOARD_KEY_PREFIX, keys.dispatch_queued(venue.pk)))
    wait_for(lambda: queue_depth(redis_client, venue.queue_name) == 2, timeout=5, what="the next")
