"""The liveness heartbeat, written by a real in-process worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from micboard.workers.bootsteps import heartbeat_path
from micboard.workers.celery import app
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
        assert float(beat_file.read_text()) > 0


def test_no_heartbeat_without_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICBOARD_WORKER_HEARTBEAT_FILE", raising=False)
    assert heartbeat_path() is None
