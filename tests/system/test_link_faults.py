"""A venue worker's link fails (blackholed or reset) to Redis or to PostgreSQL, through the
suite's TCP proxy: its waits stay bounded, its data shows stale in the API and on the wall,
health fails and recovers, no batch is doubled, and the worker recovers without a restart."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from micboard.composition import wall_feed
from micboard.devtools.processes import ProcessGroup, tail
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver, Venue
from micboard.selectors.freshness import venue_liveness_of
from micboard.selectors.health import check_freshness
from micboard.workers import probe
from tests.payloads import JsonObject, json_object, json_objects
from tests.system.conftest import celery_command, child_env, register_fleet
from tests.tcp_proxy import TcpProxy
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

INTERVAL = 1  # seconds between polls: stale after 3 s
OUTAGE_SECONDS = 8
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

# What the worker's log says, within seconds, when each link is gone.
OUTAGE_LINES = {
    "redis": ("broker_unreachable", "Connection to broker lost"),
    "postgres": ("task_deadline_exceeded", "OperationalError", "connection timeout expired"),
}


def _upstream(link: str) -> tuple[str, int]:
    if link == "redis":
        return ("127.0.0.1", 6379)
    db = connection.settings_dict
    return (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))


def _worker_env(link: str, port: int) -> dict[str, str]:
    if link == "redis":
        return child_env(MICBOARD_TEST_REDIS_URL=f"redis://127.0.0.1:{port}/15")
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    return child_env(DATABASE_URL=f"postgres://{credentials}127.0.0.1:{port}/{db['NAME']}")


def _fresh(venue: Venue) -> int:
    return venue_liveness_of(now=timezone.now(), venue=venue).fresh


def _all_synced_and_fresh(venue: Venue, count: int) -> bool:
    synced = Receiver.objects.filter(venue=venue, last_sync_at__isnull=False).count()
    return synced == count and _fresh(venue) == count


def _api_stale(venue: Venue) -> list[bool]:
    client = APIClient()
    reader, _ = User.objects.get_or_create(  # a superuser: reads every venue
        username="links-reader", defaults={"is_superuser": True}
    )
    client.force_authenticate(reader)
    body = client.get(f"/api/v1/receivers/?venue={venue.slug}").json()
    return [receiver["stale"] for receiver in body["results"]]


def _wall(venue: Venue) -> JsonObject:
    feed = wall_feed()
    frame = feed.frame(venue_id=venue.pk, version=feed.version(venue_id=venue.pk))
    return json_object(json.loads(frame.json))


@pytest.mark.parametrize("mode", ["blackhole", "reset"])
@pytest.mark.parametrize(
    "link",
    [
        "redis",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL=postgres://"),
        ),
    ],
)
def test_a_venue_link_fault_is_seen_bounded_and_recovered_from(
    link: str,
    mode: str,
    start_fleet: Callable[..., Fleet],
    processes: ProcessGroup,
    tmp_path: Path,
) -> None:
    fleet = start_fleet("ULXD4D", "ULXD4D", "ULXD4Q")
    venue, receivers = register_fleet(fleet, poll_interval=INTERVAL)
    heartbeat = tmp_path / "worker.heartbeat"
    with TcpProxy(_upstream(link)) as proxy:
        worker = processes.start(
            "worker",
            celery_command(
                "worker", "-Q", venue.queue_name, "-P", "threads", "-c", "4", "-n", "links@%h"
            ),
            {**_worker_env(link, proxy.port), "MICBOARD_WORKER_HEARTBEAT_FILE": str(heartbeat)},
        )
        processes.start(
            "beat", celery_command("beat", "-s", str(tmp_path / "beat.schedule")), child_env()
        )
        wait_for(
            lambda: _all_synced_and_fresh(venue, len(receivers)),
            timeout=60,
            what="every receiver synced and fresh",
        )
        assert heartbeat.exists()
        assert check_freshness(now=timezone.now(), min_fresh_share=1.0)[0].ok

        began = time.monotonic()
        proxy.blackhole() if mode == "blackhole" else proxy.cut()
        # Bounded: the worker says the link is gone within seconds, whatever the mode.
        wait_for(
            lambda: any(line in tail(worker.log_path, 300) for line in OUTAGE_LINES[link]),
            timeout=20,
            interval=0.2,
            what=f"the worker to log its {link} outage",
        )
        # Stale everywhere, from the data's age alone.
        wait_for(lambda: _fresh(venue) == 0, timeout=15, interval=0.2, what="stale receivers")
        assert _api_stale(venue) == [True] * len(receivers)
        wall = _wall(venue)
        assert {tile["state"] for tile in json_objects(wall["tiles"])} == {"STALE"}
        (entry,) = json_objects(wall["venues"])
        assert entry["not_reporting"].startswith("venue worker not reporting since ")
        (health,) = check_freshness(now=timezone.now(), min_fresh_share=0.9)
        assert not health.ok
        # The heartbeat goes on through the outage (a restart would not mend a link), and
        # says no work is getting done: a probe with a short --max-idle fails it.
        beat = json.loads(heartbeat.read_text())
        assert time.time() - beat["at"] < 12
        assert probe.main(["--file", str(heartbeat)]) == 0
        # The file is rewritten every few seconds, so its last task may lag a little.
        wait_for(
            lambda: probe.main(["--file", str(heartbeat), "--max-idle", "2"]) == 1,
            timeout=12,
            interval=0.5,
            what="the probe to see no work done",
        )
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))

        proxy.restore()
        restored = time.monotonic()
        wait_for(
            lambda: _fresh(venue) == len(receivers),
            timeout=30,
            interval=0.1,
            what="every receiver fresh again",
        )
        recovery = time.monotonic() - restored
    (health,) = check_freshness(now=timezone.now(), min_fresh_share=1.0)
    assert health.ok
    wait_for(  # the worker's wall bump follows its write; after a reset, by a reconnect
        lambda: _wall(venue)["venues"][0]["not_reporting"] == "",
        timeout=15,
        what="the wall to show the venue reporting again",
    )
    assert processes.first_exited() is None, "the worker recovered without a restart"
    back_at = time.time() - recovery
    wait_for(
        lambda: (json.loads(heartbeat.read_text())["task_done_at"] or 0) > back_at,
        timeout=15,
        what="the heartbeat to show work done again",
    )
    assert recovery < 15, f"{recovery:.1f} s from the link's return to 100% fresh"
    log = tail(worker.log_path, 2000)
    assert "sync_skipped_locked" not in log, "a batch was queued twice"
