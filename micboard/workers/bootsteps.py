"""Worker bootsteps: a liveness heartbeat file that says whether the worker gets work done.

The file is rewritten every few seconds from a thread of its own, so neither a broker blip
nor a busy pool stops it while the process lives. It holds JSON: ``at`` (this write),
``started_at``, ``task_done_at`` (the last completed task) and ``database_write_at`` (the
last task whose database writes were committed), Unix seconds or null.
``micboard.workers.probe`` reads it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import redis
import structlog
from celery import bootsteps
from django.conf import settings

from micboard.infrastructure.redis import RedisProfile, redis_client
from micboard.workers import liveness

HEARTBEAT_SECONDS = 5.0

log = structlog.get_logger(__name__)


def heartbeat_path() -> Path | None:
    raw = os.environ.get("MICBOARD_WORKER_HEARTBEAT_FILE", "")
    return Path(raw) if raw else None


def write_heartbeat(path: Path, *, started_at: float) -> None:
    """Write the heartbeat atomically (a probe never reads half a file)."""
    done = liveness.progress()
    body = {
        "at": time.time(),
        "pid": os.getpid(),
        "started_at": started_at,
        "task_done_at": done.task_done_at,
        "database_write_at": done.database_write_at,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(body) + "\n")
    partial.replace(path)


class LivenessHeartbeat(bootsteps.StartStopStep):
    """Writes ``MICBOARD_WORKER_HEARTBEAT_FILE`` every ``HEARTBEAT_SECONDS``."""

    # Started before the consumer, whose start blocks for as long as it consumes.
    requires = ("celery.worker.components:Timer",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.path = heartbeat_path()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at = time.time()

    def start(self, parent: Any) -> None:
        if self.path is None:
            return
        self.beat()
        self._thread = threading.Thread(target=self._run, name="micboard-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        broker = BrokerWatch()
        while not self._stopping.wait(HEARTBEAT_SECONDS):
            self.beat()
            broker.check()

    def beat(self) -> None:
        if self.path is None:
            return
        try:
            write_heartbeat(self.path, started_at=self._started_at)
        except OSError as error:  # a full disk must not end the heartbeat for good
            log.warning("heartbeat_write_failed", path=str(self.path), error=str(error))

    def stop(self, parent: Any) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_SECONDS)


class BrokerWatch:
    """Pings the broker (bounded) at each heartbeat and logs when it stops or starts answering:
    a blackholed link leaves the consumer's idle connection silent, not broken, so the
    consumer itself only notices when the link returns."""

    def __init__(self) -> None:
        self._client = redis_client(settings.CELERY_BROKER_URL, RedisProfile.FAIL_FAST)
        self._down_since: float | None = None

    def check(self) -> None:
        try:
            self._client.ping()
        except redis.RedisError as error:
            if self._down_since is None:
                self._down_since = time.time()
                log.warning("broker_unreachable", error=str(error))
            return
        if self._down_since is not None:
            log.warning("broker_reachable", after_s=round(time.time() - self._down_since, 1))
            self._down_since = None
