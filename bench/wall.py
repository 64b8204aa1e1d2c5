"""Display wall under load: N walls polling a venue of M channels while receivers change.

    .venv/bin/python bench/wall.py [--walls 50] [--channels 500] [--seconds 15]
                                   [--server gunicorn|runserver]

Seeds a throwaway SQLite database (or DATABASE_URL) with one venue of M/4 four-channel
receivers, starts a web server (gunicorn with 3 sync workers as deploy/ runs it, or the
demo's threaded runserver) and runs three phases against it:

- paced: every wall asks once a second, as the page does, while a writer applies one
  receiver snapshot every 1/--changes seconds (125 receivers polled every 5 s: 25/s);

- paced, quiet: the same walls while nothing changes (between shows);
- flat out: every wall asks again as soon as it has an answer (the server's ceiling).

It prints requests served per second, p50/p99 latency, the share of 304s, the server's
CPU, and the queries one refresh costs. Needs Redis at REDIS_URL (keys get their own prefix).
The walls run as threads of this process, on the same machine as the server.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(workdir: Path) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
        "SECRET_KEY": "bench-only-secret-key",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        "MICBOARD_KEY_PREFIX": f"micboard-bench-{os.getpid()}",
        "MICBOARD_QUEUE_PREFIX": f"bench-{os.getpid()}.venue.",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "LOG_FORMAT": "json",
    }
    os.environ.update(env)
    return {**os.environ, **env}


def seed(channels: int) -> tuple[str, str, list[int]]:
    """A venue of ``channels`` channels on 4-channel receivers; its slug, a wall pass, ids."""
    from django.core.management import call_command  # noqa: PLC0415 - after django.setup

    from micboard.composition import device_service, location_service  # noqa: PLC0415
    from micboard.services.dto import ReceiverInput  # noqa: PLC0415
    from micboard.web.access import issue_pass, scope_of  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    venue = location_service().venue_get_or_create(name="Bench Arena", slug="bench")
    devices = device_service()
    receivers = []
    for index in range(channels // 4):
        data = ReceiverInput(
            name=f"Rack {index + 1:03d}", model="ULXD4Q", host="10.9.0.1", port=20000 + index
        )
        receiver = venue.receivers.filter(port=data.port).first()
        receiver = receiver or devices.receiver_register(venue=venue, data=data)
        devices.snapshot_apply(receiver=receiver, snapshot=snapshot(index, random.Random(index)))
        receivers.append(receiver.pk)
    return venue.slug, issue_pass(scope_of(venue)), receivers


def snapshot(index: int, rng: random.Random) -> object:
    from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot  # noqa: PLC0415

    return ReceiverSnapshot(
        model="ULXD4Q",
        channels=tuple(
            ChannelSnapshot(
                number=n,
                name=f"HH{index * 4 + n:03d} Voice {n}",
                frequency_khz=470_000 + 25 * (index * 4 + n),
                battery_bars=rng.choice([1, 3, 4, 5, 5, None]),
                runtime_minutes=rng.randrange(0, 600),
                tx_type="ULXD2",
                rf_level=rng.randrange(60, 115),
                audio_level=rng.randrange(0, 50),
                antenna=rng.choice(["AX", "XB"]),
            )
            for n in range(1, 5)
        ),
    )


def queries_per_refresh(slug: str, wall_pass: str) -> dict[str, int]:
    """Queries of one state request: fresh version, same version from the shared cache, 304."""
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from micboard.composition import wall_feed  # noqa: PLC0415
    from micboard.models import Venue  # noqa: PLC0415

    client, url = Client(HTTP_HOST="127.0.0.1"), f"/wall/{slug}/state.json"
    wall_feed().bump(venue_id=Venue.objects.get(slug=slug).pk)
    counts = {}
    for name, headers in (
        ("new version (first wall)", {}),
        ("new version (other walls)", {}),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_X_WALL_PASS=wall_pass, **headers)
        counts[name] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, HTTP_X_WALL_PASS=wall_pass, HTTP_IF_NONE_MATCH=response["ETag"])
    counts["unchanged (304)"] = len(captured)
    return counts


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    body_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, status: int, size: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.body_bytes += size


def wall(port: int, target: tuple[str, str], *, stop: float, paced: bool, tally: Tally) -> None:
    """One open wall: asks with its pass and the version it holds, like wall.js."""
    path, wall_pass = target
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    etag = ""
    if paced:
        time.sleep(random.random())  # walls opened at different moments
    while time.monotonic() < stop:
        began = time.monotonic()
        headers = {"X-Wall-Pass": wall_pass, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            tally.errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            time.sleep(0.1)
            continue
        tally.add(time.monotonic() - began, response.status, len(body))
        etag = response.getheader("ETag") or etag
        if paced:
            time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    connection.close()


def writer(receivers: list[int], per_second: float, stop: float) -> None:
    """Receivers answering their polls: one snapshot applied every 1/per_second s."""
    from django.db import connection  # noqa: PLC0415

    from micboard.composition import device_service  # noqa: PLC0415
    from micboard.models import Receiver  # noqa: PLC0415

    devices, rng = device_service(), random.Random(7)
    rows = {r.pk: r for r in Receiver.objects.filter(pk__in=receivers)}
    while time.monotonic() < stop:
        began = time.monotonic()
        pk = rng.choice(receivers)
        devices.snapshot_apply(receiver=rows[pk], snapshot=snapshot(pk, rng))
        time.sleep(max(0.0, 1.0 / per_second - (time.monotonic() - began)))
    connection.close()


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's workers), in seconds."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


SERVERS = {
    "gunicorn": ["-m", "gunicorn", "micboard.project.wsgi:application", "--workers", "3", "--bind"],
    "runserver": ["manage.py", "runserver", "--noreload"],
}


def start_server(env: dict[str, str], kind: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, *SERVERS[kind], f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the web server did not start within 20 s")


def warm_up(args: argparse.Namespace, target: tuple[str, str]) -> None:
    """Every server process loads its URLs and views before anything is measured."""
    stop = time.monotonic() + 3
    threads = [
        threading.Thread(
            target=wall,
            args=(args.port, target),
            kwargs={"stop": stop, "paced": False, "tally": Tally()},
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


PHASES = (("paced", True, True), ("paced, quiet", True, False), ("flat out", False, True))


def phase(
    name: str, args: argparse.Namespace, server: subprocess.Popen[bytes], target: tuple[str, str]
) -> dict[str, object]:
    tally, stop = Tally(), time.monotonic() + args.seconds
    _, paced, changing = next(p for p in PHASES if p[0] == name)
    threads = [
        threading.Thread(
            target=wall,
            args=(args.port, target),
            kwargs={"stop": stop, "paced": paced, "tally": tally},
            daemon=True,
        )
        for _ in range(args.walls)
    ]
    if changing:
        threads.append(
            threading.Thread(target=writer, args=(args.receivers, args.changes, stop), daemon=True)
        )
    cpu_before, began = cpu_seconds(server.pid), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 30)
    elapsed = time.monotonic() - began
    cpu = (cpu_seconds(server.pid) - cpu_before) / elapsed
    latencies = sorted(tally.latencies) or [0.0]
    served = len(tally.latencies)
    return {
        "phase": name,
        "requests/s": round(served / elapsed, 1),
        "p50 ms": round(statistics.median(latencies) * 1000, 1),
        "p99 ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        "304 share": f"{tally.statuses.get(304, 0) / max(served, 1):.0%}",
        "KiB/s sent": round(tally.body_bytes / elapsed / 1024),
        "server CPU": f"{cpu:.0%} of a core",
        "errors": tally.errors + sum(n for s, n in tally.statuses.items() if s >= 400),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--walls", type=int, default=50)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--changes", type=float, default=25.0, help="snapshots applied per s")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", choices=sorted(SERVERS), default="gunicorn")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="micboard-bench-") as workdir:
        env = configure(Path(workdir))
        import django  # noqa: PLC0415

        django.setup()
        slug, wall_pass, args.receivers = seed(args.channels)
        refresh = queries_per_refresh(slug, wall_pass)
        server = start_server(env, args.server, args.port)
        target = (f"/wall/{slug}/state.json", wall_pass)
        try:
            warm_up(args, target)
            results = [phase(name, args, server, target) for name, _, _ in PHASES]
        finally:
            server.terminate()
            server.wait(10)

    print(
        f"{args.server}: {args.walls} walls, {args.channels} channels, "
        f"{args.changes:g} snapshots/s, {args.seconds:g} s per phase, {os.cpu_count()} CPUs"
    )
    print("queries per refresh: " + ", ".join(f"{k}: {v}" for k, v in refresh.items()))
    columns = list(results[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in results:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
