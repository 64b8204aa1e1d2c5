"""The deployed shape: real `celery worker` and `celery beat` processes, no test shortcuts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from micboard.devtools.processes import ProcessGroup, tail
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver, ReceiverStatus
from tests.system.conftest import child_env, register_fleet
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def test_beat_and_a_worker_keep_a_venue_synced(
    start_fleet: Callable[..., Fleet], processes: ProcessGroup, tmp_path: Path
) -> None:
    fleet = start_fleet("ULXD4Q", "QLXD4")
    venue, receivers = register_fleet(fleet, poll_interval=1)
    celery = [sys.executable, "-m", "celery", "-A", "micboard.workers"]
    env = child_env()
    worker = processes.start(
        "worker",
        [
            *celery,
            "worker",
            "-Q",
            venue.queue_name,
            "-c",
            "1",
            "-n",
            "e2e@%h",
            "--loglevel",
            "INFO",
        ],
        env,
    )
    beat = processes.start(
        "beat", [*celery, "beat", "-s", str(tmp_path / "schedule"), "--loglevel", "INFO"], env
    )

    def all_online() -> bool:
        assert processes.first_exited() is None, tail(worker.log_path) + tail(beat.log_path)
        return all(Receiver.objects.get(pk=r.pk).status == ReceiverStatus.ONLINE for r in receivers)

    wait_for(all_online, timeout=45, interval=0.5, what="beat + worker to sync every receiver")
    first_sync = {r.pk: Receiver.objects.get(pk=r.pk).last_sync_at for r in receivers}

    def synced_again() -> bool:
        return all(Receiver.objects.get(pk=pk).last_sync_at != at for pk, at in first_sync.items())

    wait_for(synced_again, timeout=15, interval=0.5, what="the next scheduled poll")
    assert settings.MICBOARD_QUEUE_PREFIX in venue.queue_name
