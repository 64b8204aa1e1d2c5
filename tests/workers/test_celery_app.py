"""The Celery app's own behaviour: one structured log line per failed task."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker

from micboard.workers.celery import app
from tests.factories import make_venue
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def collecting() -> Iterator[Collector]:
    """Every record that reaches the root logger, from any thread (attach after the worker
    has set up its logging, which replaces the root's handlers)."""
    collector = Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)


def test_a_failed_task_is_logged_once_with_its_receiver() -> None:
    venue = make_venue()

    with (
        start_worker(app, pool="solo", queues=[venue.queue_name], perform_ping_check=False),
        collecting() as collected,
    ):
        app.send_task(
            "micboard.sync_receivers",
            kwargs={"receiver_ids": ["not-a-number"], "venue": venue.slug},
            queue=venue.queue_name,
        )

        def failures() -> list[logging.LogRecord]:
            return [r for r in collected.records if "task_failed" in str(r.msg)]

        wait_for(failures, timeout=15, what="the failure log line")
    (record,) = failures()
    event = record.msg
    assert isinstance(event, dict)
    assert event["receiver_id"] == "not-a-number"
    assert event["venue"] == venue.slug
    assert event["task"] == "micboard.sync_receivers"
    assert "ValueError" in event["error"]
    assert not [r for r in collected.records if "raised unexpected" in r.getMessage()]
