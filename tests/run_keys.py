"""This test run's Redis keys and queues (their names carry ``MICBOARD_TEST_RUN_ID``)."""

from __future__ import annotations

import os

import redis


def forget_run_keys(client: redis.Redis) -> None:
    """Delete every key and queue of this run: no stray locks, pending resyncs or messages."""
    run_id = os.environ["MICBOARD_TEST_RUN_ID"]
    stale = list(client.scan_iter(match=f"*{run_id}*", count=1000))
    if stale:
        client.delete(*stale)
