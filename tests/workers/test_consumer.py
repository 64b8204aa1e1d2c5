"""The worker's consumer reconnects to the broker at a capped interval."""

from __future__ import annotations

from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from micboard.workers.celery import app
from micboard.workers.consumer import BoundedReconnectConsumer, reconnect_intervals


def test_reconnection_backs_off_to_the_setting_at_most() -> None:
    assert reconnect_intervals() == {
        "interval_start": 0.5,
        "interval_step": 0.5,
        "interval_max": 2.0,
    }
    with override_settings(MICBOARD_BROKER_RECONNECT_MAX_SECONDS=0.2):
        assert reconnect_intervals()["interval_max"] == 0.2
        assert reconnect_intervals()["interval_start"] == 0.2


def test_a_worker_runs_the_bounded_consumer() -> None:
    with start_worker(
        app, pool="solo", queues=["test.consumer"], perform_ping_check=False
    ) as worker:
        assert isinstance(worker.consumer, BoundedReconnectConsumer)
