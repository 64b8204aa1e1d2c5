"""Venue links: how fast staleness shows, how fast a worker recovers, how long beat fails over.

    DATABASE_URL=postgres://micboard:...@127.0.0.1:5432/micboard_links \
        .venv/bin/python bench/links.py --receivers 20 --interval 5 --runs 5 --outage 60

On this machine: simulated receivers on loopback sockets, one venue worker (thread pool) and
beat as child processes, the test settings (Redis database 15, per-run queue and key names).
The worker's broker and database links go through a TCP proxy. It measures

- death: from SIGKILLing the venue worker to every tile of the venue's wall being STALE,
  read through the wall's own feed (its version moves with nobody writing);
- blackhole / reset, per link (``redis``, ``postgres``): from the link's return after
  ``--outage`` seconds to 100% of the receivers fresh again, the same worker throughout;
- failover: the longest gap between dispatch cycles when the leading beat is SIGKILLed
  while a second one stands by.

Figures are printed (p50 and max of ``--runs``), never asserted; docs/performance.md
records them with this command.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micboard.project.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from micboard.composition import device_service, location_service, wall_feed  # noqa: E402
from micboard.devtools.processes import Child, ProcessGroup  # noqa: E402
from micboard.integrations.shure.fleet import Fleet  # noqa: E402
from micboard.integrations.shure.specs import receiver_spec  # noqa: E402
from micboard.models import DispatchCycle, Receiver, Venue  # noqa: E402
from micboard.selectors.freshness import venue_liveness_of  # noqa: E402
from micboard.services.dto import ReceiverInput  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402


def child_env(**overrides: str) -> dict[str, str]:
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    url = f"postgres://{credentials}{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "micboard.workers", *args]


def wait(probe: Callable[[], bool], *, timeout: float, what: str, step: float = 0.1) -> float:
    """Seconds until ``probe`` holds; raises after ``timeout``."""
    began = time.monotonic()
    while not probe():
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"{what} not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - began


class Site:
    """One venue of simulated receivers, its worker and beat."""

    def __init__(self, *, receivers: int, interval: int, logs: Path) -> None:
        self.interval = interval
        self.fleet = Fleet(
            [receiver_spec("ULXD4D", i) for i in range(receivers)], tick_interval=1.0, seed=7
        )
        self.fleet.start(timeout=30)
        stamp = int(time.time())
        self.venue = location_service().venue_create(name=f"Links {stamp}", slug=f"links-{stamp}")
        for i, sim in enumerate(self.fleet.receivers):
            device_service().receiver_register(
                venue=self.venue,
                data=ReceiverInput(
                    name=f"Rx {i}", model=sim.model, host="127.0.0.1", port=sim.port,
                    poll_interval=interval,
                ),
            )  # fmt: skip
        self.count = receivers
        self.processes = ProcessGroup(logs)
        self.worker: Child | None = None

    def start_worker(self, **env: str) -> None:
        argv = celery("worker", "-Q", self.venue.queue_name, "-P", "threads", "-c", "4",
                      "-n", f"links-{time.time_ns()}@%h")  # fmt: skip
        self.worker = self.processes.start("worker", argv, child_env(**env))

    def start_beat(self, name: str) -> Child:
        schedule = Path(tempfile.mkdtemp()) / "beat.schedule"
        return self.processes.start(name, celery("beat", "-s", str(schedule)), child_env())

    def fresh(self) -> int:
        return venue_liveness_of(now=timezone.now(), venue=self.venue).fresh

    def all_fresh(self) -> bool:
        """Every receiver synced at least once, and none stale."""
        unsynced = Receiver.objects.filter(venue=self.venue, last_sync_at__isnull=True)
        return not unsynced.exists() and self.fresh() == self.count

    def wall_all_stale(self) -> bool:
        feed = wall_feed()
        frame = feed.frame(venue_id=self.venue.pk, version=feed.version(venue_id=self.venue.pk))
        tiles = json.loads(frame.json)["tiles"]
        return bool(tiles) and all(tile["state"] == "STALE" for tile in tiles)

    def stop(self) -> None:
        self.processes.stop_all(grace_seconds=15)
        self.fleet.stop(timeout=10)


def link_env(link: str, port: int) -> dict[str, str]:
    if link == "redis":
        return {"MICBOARD_TEST_REDIS_URL": f"redis://127.0.0.1:{port}/15"}
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    return {"DATABASE_URL": f"postgres://{credentials}127.0.0.1:{port}/{db['NAME']}"}


def upstream(link: str) -> tuple[str, int]:
    if link == "redis":
        return ("127.0.0.1", 6379)
    db = connection.settings_dict
    return (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))


def measure_death(args: argparse.Namespace, logs: Path) -> list[float]:
    figures = []
    for run in range(args.runs):
        site = Site(receivers=args.receivers, interval=args.interval, logs=logs / f"death{run}")
        try:
            site.start_worker()
            site.start_beat("beat")
            wait(site.all_fresh, timeout=90, what="every receiver fresh")
            assert site.worker is not None
            site.processes.kill(site.worker)
            figures.append(wait(site.wall_all_stale, timeout=120, what="a stale wall"))
            print(f"  death run {run + 1}: stale on the wall after {figures[-1]:.1f} s")
        finally:
            site.stop()
    return figures


def measure_link(args: argparse.Namespace, logs: Path, link: str, mode: str) -> list[float]:
    figures = []
    site = Site(receivers=args.receivers, interval=args.interval, logs=logs / f"{link}-{mode}")
    try:
        with TcpProxy(upstream(link)) as proxy:
            site.start_worker(**link_env(link, proxy.port))
            site.start_beat("beat")
            for run in range(args.runs):
                wait(site.all_fresh, timeout=120, what="every receiver fresh")
                proxy.blackhole() if mode == "blackhole" else proxy.cut()
                time.sleep(args.outage)
                proxy.restore()
                figures.append(wait(site.all_fresh, timeout=120, what="recovery"))
                assert site.processes.first_exited() is None, "the worker died"
                print(f"  {link} {mode} run {run + 1}: 100% fresh {figures[-1]:.1f} s after")
    finally:
        site.stop()
    return figures


def measure_failover(args: argparse.Namespace, logs: Path) -> list[float]:
    figures = []
    site = Site(receivers=args.receivers, interval=args.interval, logs=logs / "failover")
    try:
        site.start_worker()
        leader = site.start_beat("beat0")
        wait(site.all_fresh, timeout=90, what="every receiver fresh")
        for run in range(args.runs):
            standby = site.start_beat(f"beat{run + 1}")
            time.sleep(3)  # the standby is up and polling the lease
            killed = timezone.now()
            site.processes.kill(leader)
            wait(
                lambda at=killed: DispatchCycle.objects.filter(  # type: ignore[misc]
                    venue=site.venue, started_at__gt=at
                ).exists(),
                timeout=60,
                what="a dispatch by the standby",
            )
            cycles = DispatchCycle.objects.filter(
                venue=site.venue, started_at__gte=killed - timedelta(seconds=5)
            ).order_by("started_at")
            times = list(cycles.values_list("started_at", flat=True))
            gap = max((b - a).total_seconds() for a, b in itertools.pairwise(times))
            figures.append(gap)
            print(f"  failover run {run + 1}: longest gap between dispatches {gap:.1f} s")
            leader = standby
    finally:
        site.stop()
    return figures


def summary(name: str, figures: list[float]) -> str:
    if not figures:
        return f"| {name} | — | — | 0 |"
    return (
        f"| {name} | {statistics.median(figures):.1f} s | {max(figures):.1f} s | {len(figures)} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--receivers", type=int, default=20)
    parser.add_argument("--interval", type=int, default=5, help="poll interval, seconds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds per link fault")
    parser.add_argument(
        "--only",
        default="death,redis-blackhole,redis-reset,postgres-blackhole,postgres-reset,failover",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("set DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    logs = Path(tempfile.mkdtemp(prefix="links-bench-"))
    print(f"logs in {logs}")
    results: list[str] = []
    for item in args.only.split(","):
        if item == "death":
            results.append(summary("worker SIGKILLed → wall stale", measure_death(args, logs)))
        elif item == "failover":
            results.append(summary("beat failover gap", measure_failover(args, logs)))
        else:
            link, mode = item.split("-")
            figures = measure_link(args, logs, link, mode)
            what = f"{link} {mode} {args.outage:.0f} s → 100% fresh"
            results.append(summary(what, figures))
    print(f"\n{args.receivers} receivers, T = {args.interval} s, stale after 3 T")
    print("| measurement | p50 | max | runs |\n| --- | --- | --- | --- |")
    print("\n".join(results))
    Venue.objects.filter(slug__startswith="links-").delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
