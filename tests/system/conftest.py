"""Real parts for end-to-end tests: simulated receivers on sockets and Celery workers."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import WorkController
from celery.worker import state as worker_state
from django.db import connection

from micboard.devtools.processes import ProcessGroup
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver, Venue
from micboard.workers.celery import app
from tests.factories import make_receiver, make_venue
from tests.system.secure_site import secure_site  # noqa: F401 (a session fixture)
from tests.waiting import wait_for

StartWorker = Callable[..., AbstractContextManager[WorkController]]


def end_other_sessions() -> None:
    """End every other PostgreSQL session on the test database: a worker thread's connection
    outlives its thread, and a straggling write would deadlock the test's flush."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _close_worker_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        end_other_sessions()


@pytest.fixture
def venue_worker() -> StartWorker:
    """An in-process worker (threads pool) consuming exactly one venue's queue, and the
    other queues named (the housekeeping queue, for alerts)."""

    @contextmanager
    def run(venue: Venue, *also: str) -> Iterator[WorkController]:
        queues = [venue.queue_name, *also]
        with start_worker(
            app,
            pool="threads",
            concurrency=4,
            queues=queues,
            perform_ping_check=False,
            shutdown_timeout=20,
            loglevel="WARNING",
        ) as worker:
            try:
                yield worker
            finally:
                # The test worker stops without waiting for running tasks: stop consuming,
                # then let the syncs in flight finish, so none writes during the teardown.
                for queue in queues:
                    worker.consumer.cancel_task_queue(queue)
                wait_for(
                    lambda: not (worker_state.active_requests or worker_state.reserved_requests),
                    timeout=20,
                    interval=0.05,
                    what="the worker's running tasks to finish",
                )
                # Stop now, not when the event loop next wakes by itself (up to a second
                # later): the flag start_worker sets on leaving, then a wake-up of the loop.
                worker_state.should_terminate = 0
                worker.hub.call_soon(lambda: None)
        end_other_sessions()

    return run


def register_fleet(fleet: Fleet, *, poll_interval: int = 1) -> tuple[Venue, list[Receiver]]:
    venue = make_venue()
    receivers = [
        make_receiver(venue, port=sim.port, model=sim.model, poll_interval=poll_interval)
        for sim in fleet.receivers
    ]
    return venue, receivers


ROOT = Path(__file__).resolve().parents[2]


def child_database_url() -> str:
    """The URL of the database this test run uses, for child processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    return f"postgres://{credentials}{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[ProcessGroup]:
    group = ProcessGroup(tmp_path / "logs")
    yield group
    group.stop_all(grace_seconds=15)


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for a worker or beat process of this test run (same database, run id)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings_test",
        "DATABASE_URL": child_database_url(),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
        **overrides,
    }


def celery_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "micboard.workers", *args]
