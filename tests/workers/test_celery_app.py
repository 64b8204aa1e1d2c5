"""The Celery app's own behaviour: one structured log line per failed task."""

from __future__ import annotations

import logging
import time
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


def test_an_expired_message_is_logged_as_revoked() -> None:
    venue = make_venue()
    app.send_task(
        "micboard.sync_receivers",
        kwargs={"receiver_ids": [1], "venue": venue.slug},
        queue=venue.queue_name,
        expires=0.2,
    )
    time.sleep(0.5)  # the message expires while no worker consumes its queue
    idle = f"{venue.queue_name}.idle"
    with (
        start_worker(app, pool="solo", queues=[idle], perform_ping_check=False) as worker,
        collecting() as collected,
    ):
        worker.consumer.add_task_queue(venue.queue_name)  # only now, with the log collected

        def revoked() -> list[logging.LogRecord]:
            return [r for r in collected.records if "task_revoked" in str(r.msg)]

        wait_for(revoked, timeout=15, what="the revoked log line")
    event = revoked()[0].msg
    assert isinstance(event, dict)
    assert (event["expired"], event["venue"]) == (True, venue.slug)
    assert event["task"] == "micboard.sync_receivers"
