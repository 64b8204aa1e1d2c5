"""The liveness heartbeat, written by a real in-process worker."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import override_settings
from structlog.testing import capture_logs

from micboard.workers import liveness, probe
from micboard.workers.bootsteps import (
    BrokerWatch,
    LivenessHeartbeat,
    heartbeat_path,
    write_heartbeat,
)
from micboard.workers.celery import app
from tests.ports import free_port
from tests.waiting import wait_for


def test_heartbeat_file_exists_while_the_worker_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beat_file = tmp_path / "worker.heartbeat"
    monkeypatch.setenv("MICBOARD_WORKER_HEARTBEAT_FILE", str(beat_file))
    assert heartbeat_path() == beat_file
    with start_worker(
        app, pool="solo", queues=["test.heartbeat"], perform_ping_check=False, shutdown_timeout=20
    ):
        wait_for(beat_file.exists, timeout=10, what="the heartbeat file")
        body = json.loads(beat_file.read_text())
        assert body["at"] > 0
        assert body["started_at"] > 0
        # Alive (the suite's earlier tasks in this process say nothing of this worker).
        assert probe.main(["--file", str(beat_file), "--max-idle", "1e9"]) == 0


def test_the_heartbeat_records_work_done(tmp_path: Path) -> None:
    path = tmp_path / "hb"
    liveness.task_done(wrote=True)
    write_heartbeat(path, started_at=time.time())
    body = json.loads(path.read_text())
    assert body["task_done_at"] == pytest.approx(time.time(), abs=5)
    assert body["database_write_at"] == body["task_done_at"]


def test_the_probe_fails_a_dead_or_wedged_worker_and_passes_a_working_one(
    tmp_path: Path,
) -> None:
    now = 10_000.0
    working = {"at": now - 2, "started_at": now - 500, "task_done_at": now - 1}
    assert probe.verdict(working, now=now, max_age=30, max_idle=120) == ""
    dead = {**working, "at": now - 31}
    assert "gone or frozen" in probe.verdict(dead, now=now, max_age=30, max_idle=120)
    wedged = {**working, "task_done_at": now - 121}
    assert "no task completed for 121 s" in probe.verdict(wedged, now=now, max_age=30, max_idle=120)
    never = {"at": now - 1, "started_at": now - 121, "task_done_at": None}
    assert probe.verdict(never, now=now, max_age=30, max_idle=120) != ""
    starting = {**never, "started_at": now - 5}
    assert probe.verdict(starting, now=now, max_age=30, max_idle=120) == ""
    path = tmp_path / "hb"
    assert probe.main(["--file", str(path)]) == 1  # missing
    path.write_text(json.dumps(wedged))
    assert probe.main(["--file", str(path), "--max-idle", "1"]) == 1


def test_no_heartbeat_without_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICBOARD_WORKER_HEARTBEAT_FILE", raising=False)
    assert heartbeat_path() is None


def test_a_heartbeat_that_cannot_be_written_is_logged_and_retried(tmp_path: Path) -> None:
    blocked = tmp_path / "dir-in-the-way"
    blocked.mkdir()
    step = LivenessHeartbeat.__new__(LivenessHeartbeat)
    step.path = blocked  # a directory: the write fails
    step._started_at = time.time()
    with capture_logs() as logs:
        step.beat()
    assert [e["event"] for e in logs] == ["heartbeat_write_failed"]


def test_the_probe_needs_a_readable_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MICBOARD_WORKER_HEARTBEAT_FILE", raising=False)
    assert probe.main([]) == 1
    garbled = tmp_path / "hb"
    garbled.write_text("not json")
    assert probe.main(["--file", str(garbled)]) == 1


def test_the_broker_watch_logs_when_the_broker_stops_and_starts_answering() -> None:
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/15"):
        watch = BrokerWatch()
    with capture_logs() as logs:
        watch.check()
        watch.check()  # still down: said once
        watch._client = redis.Redis.from_url(settings.REDIS_URL)
        watch.check()
        watch.check()
    assert [e["event"] for e in logs] == ["broker_unreachable", "broker_reachable"]
