"""How long an operator's "Resync now" takes for N receivers, and how many queries it costs.

    DJANGO_SETTINGS_MODULE=micboard.project.settings_test \
        .venv/bin/python bench/resync.py --receivers 1000

Uses the test settings (Redis database 15, its own queue names) and a throwaway SQLite file
unless DATABASE_URL is set; publishes real messages to the real broker, then removes them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micboard.project.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from micboard.composition import location_service, sync_service  # noqa: E402
from micboard.models import Receiver, Venue  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receivers", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    venue = Venue.objects.filter(slug="bench-resync").first() or location_service().venue_create(
        name="Bench resync", slug="bench-resync"
    )
    Receiver.objects.filter(venue=venue).delete()
    Receiver.objects.bulk_create(
        Receiver(
            venue=venue, name=f"rx {i}", family="ULXD", model="ULXD4Q", host="127.0.0.1",
            port=30000 + i, channel_count=4,
        )
        for i in range(args.receivers)
    )  # fmt: skip
    ids = list(Receiver.objects.filter(venue=venue).values_list("pk", flat=True))
    client = redis.Redis.from_url(settings.REDIS_URL)
    timings, queries = [], 0
    for _ in range(args.repeats):
        for key in client.scan_iter(match=f"{settings.MICBOARD_KEY_PREFIX}:resync:*"):
            client.delete(key)
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            report = sync_service().receivers_resync(receiver_ids=ids, requested_by="bench")
            timings.append(time.perf_counter() - began)
        queries = len(captured.captured_queries)
        assert len(report.enqueued) == args.receivers
        client.delete(venue.queue_name, *[f"{venue.queue_name}:{p}" for p in range(1, 10)])
    again = sync_service().receivers_resync(receiver_ids=ids, requested_by="bench")
    median, low, high = (
        1000 * statistics.median(timings),
        1000 * min(timings),
        1000 * max(timings),
    )
    print(f"receivers           {args.receivers}")
    print(f"database            {connection.vendor}")
    print(
        f"resync, median      {median:.0f} ms  (min {low:.0f}, max {high:.0f}, {args.repeats} runs)"
    )
    print(f"queries per resync  {queries}")
    pending, enqueued = len(again.already_pending), len(again.enqueued)
    print(f"second request      {pending} already pending, {enqueued} enqueued")
    client.delete(venue.queue_name, *[f"{venue.queue_name}:{p}" for p in range(1, 10)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
