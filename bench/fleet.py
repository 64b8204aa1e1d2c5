"""Fleet benchmark: how many receivers one machine keeps fresh, against Celery's own ceiling.

    .venv/bin/python bench/fleet.py --receivers 1000 --interval 5 --workers 2 --duration 60
    .venv/bin/python bench/fleet.py --series 100,1000,5000 --plot docs/images

Starts, on this machine: the simulator with N receivers, K Celery worker processes on the
venue's queue and exactly one beat, against this machine's PostgreSQL (a ``micboard_bench``
database it creates, or DATABASE_URL) and Redis (database 14, queues ``bench.*``). It warms
up, measures for D seconds, then drains the same workers with no-op tasks to find the
machine's Celery ceiling in the same run, and prints one table. Figures are printed, never
asserted; docs/performance.md records them with the command that produced them.
``--timeline run.csv`` also writes every measured second (freshness, the oldest receiver,
syncs, queue depth), to find when a long run lost freshness.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
    "SECRET_KEY": "bench-only-key-not-for-production-use-0123456789",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "MICBOARD_QUEUE_PREFIX": "bench.",
    "MICBOARD_HOUSEKEEPING_QUEUE": "bench.housekeeping",
    "MICBOARD_KEY_PREFIX": "micboard-bench",
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "json",
}
DEFAULT_DATABASE = "postgres://micboard@127.0.0.1:5432/micboard_bench"
# Every family, with 4 channels where the family has a 4-channel model; UR4D polls over UDP.
DEFAULT_MODELS = "ULXD4Q,QLXD4,SLXD4D,AD4Q,UR4D,P10T"


@dataclass
class Result:
    receivers: int
    interval: float
    workers: int
    concurrency: int
    pool: str
    duration: float
    alerts: bool = True
    syncs_per_s: float = 0.0
    expected_per_s: float = 0.0
    fresh_t: float = 0.0
    fresh_2t: float = 0.0
    staleness_p50: float = 0.0
    staleness_p99: float = 0.0
    change_p50: float = 0.0
    change_p99: float = 0.0
    changes_seen: int = 0
    changes_missed: int = 0
    cpu_s_per_1000_syncs: float = 0.0
    queries_per_sync: float = 0.0
    batch_size: int = 1
    silent: int = 0
    poll_concurrency: int = 1
    peak_rss_mb: float = 0.0
    rss_growth_pct: float = 0.0
    queue_depth_max: int = 0
    expired: int = 0
    failed: int = 0
    noop_per_s: float = 0.0
    cpu_s_per_1000_noops: float = 0.0
    cpu_s_per_1000_syncs_by_vendor: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def cost_ratio(self) -> float:
        if not self.cpu_s_per_1000_noops:
            return 0.0
        return self.cpu_s_per_1000_syncs / self.cpu_s_per_1000_noops


def prepare_environment(database_url: str) -> None:
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = database_url
    if database_url.startswith("postgres"):
        create_database(database_url)


def create_database(url: str) -> None:
    """The benchmark's database, and its role when this machine has neither yet (as
    ``.ci/run`` makes them: the ``postgres`` superuser on the same host)."""
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = psycopg.connect(admin, autocommit=True)
    except psycopg.OperationalError as error:
        if f'role "{parts.username}" does not exist' not in str(error):
            raise
        create_role(parts)
        conn = psycopg.connect(admin, autocommit=True)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def create_role(parts: SplitResult) -> None:
    """``CREATE ROLE <user> LOGIN CREATEDB [PASSWORD <the URL's>]`` as ``postgres``."""
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    try:
        superuser = psycopg.connect(
            host=parts.hostname, port=parts.port or 5432, user="postgres", dbname="postgres",
            autocommit=True,
        )  # fmt: skip
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"role {user!r} does not exist and the postgres superuser cannot create it "
            f"({str(error).strip()}); create it as .ci/run does: psql -h {parts.hostname} "
            f"-U postgres -c \"CREATE ROLE {user} LOGIN CREATEDB PASSWORD '...'\""
        ) from None
    statement = sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(user))
    if password:
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    with superuser:
        superuser.execute(statement)
    print(f"created PostgreSQL role {user!r} (LOGIN CREATEDB)", file=sys.stderr)


class EventCounter:
    """Counts task events from every worker: what finished, failed or expired, and when."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.succeeded: dict[str, int] = {}
        self.receiver_syncs = 0
        self.expired = 0
        self.failed = 0
        self._names: dict[str, str] = {}
        self._receiver: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def stop(self) -> None:
        if self._receiver is not None:
            self._receiver.should_stop = True
        self._thread.join(10)

    def count(self, task: str) -> int:
        with self.lock:
            return self.succeeded.get(task, 0)

    def syncs(self) -> int:
        """Receivers polled (answering or not), whether alone or in a batch."""
        with self.lock:
            return self.receiver_syncs

    def _run(self) -> None:
        with self.app.connection() as connection:
            receiver = self.app.events.Receiver(
                connection,
                handlers={
                    "task-received": self._received,
                    "task-succeeded": self._succeeded,
                    "task-failed": self._failed,
                    "task-revoked": self._revoked,
                    "*": lambda event: None,
                },
            )
            self._receiver = receiver
            self._ready.set()
            receiver.capture(limit=None, timeout=None, wakeup=False)

    def _received(self, event: dict[str, Any]) -> None:
        with self.lock:
            self._names[str(event.get("uuid"))] = str(event.get("name"))

    def _succeeded(self, event: dict[str, Any]) -> None:
        with self.lock:
            name = self._names.pop(str(event.get("uuid")), "?")
            self.succeeded[name] = self.succeeded.get(name, 0) + 1
            if name == "micboard.sync_receivers":
                self.receiver_syncs += polled_receivers(str(event.get("result", "")))

    def _failed(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.failed += 1

    def _revoked(self, event: dict[str, Any]) -> None:
        if event.get("expired"):
            with self.lock:
                self.expired += 1


def polled_receivers(result: str) -> int:
    """How many receivers a sync task polled, from the repr of its result."""
    try:
        value = ast.literal_eval(result)
    except (ValueError, SyntaxError):
        return 0
    statuses = value.values() if isinstance(value, dict) else []
    return sum(status in ("synced", "offline") for status in statuses)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def silent_indexes(count: int, silent: int) -> list[int]:
    """Which receivers never answer: ``silent`` of them, spread evenly over the fleet."""
    return sorted({index * count // silent for index in range(silent)}) if silent else []


def start_simulator(group: Any, count: int, models: str, silent: list[int]) -> list[int]:
    command = [sys.executable, "-m", "micboard.simulator", "--count", str(count), "--json",
               "--base-port", "0", "--models", models, "--drain", "0"]  # fmt: skip
    if silent:
        # Accept connections, never answer: each poll of these waits for the device timeout.
        group.log_dir.mkdir(parents=True, exist_ok=True)
        scenario = group.log_dir / "silent.json"
        event = {"scenario": "silent", "receivers": silent, "at": "0s"}
        scenario.write_text(json.dumps({"events": [event]}))
        command += ["--scenario", str(scenario)]
    child = group.start("simulator", command, {**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        lines = [line for line in child.log_path.read_text().splitlines() if line.startswith("{")]
        if len(lines) >= count:
            return [int(json.loads(line)["port"]) for line in lines[:count]]
        if child.process.poll() is not None:
            raise SystemExit(f"simulator exited: {child.log_path.read_text()[-2000:]}")
        time.sleep(0.2)
    raise SystemExit("simulator did not start within 120 s")


def register(ports: list[int], models: list[str], interval: int) -> Any:
    from django.utils import timezone  # noqa: PLC0415

    from micboard.composition import device_service, location_service  # noqa: PLC0415
    from micboard.models import Receiver  # noqa: PLC0415
    from micboard.services.dto import ReceiverInput  # noqa: PLC0415
    from micboard.services.scheduling import schedules_apply  # noqa: PLC0415

    venue = location_service().venue_get_or_create(name="Bench", slug="bench")
    Receiver.objects.filter(venue=venue).delete()
    now = timezone.now()
    rows = []
    for index, port in enumerate(ports):
        data = ReceiverInput(
            name=f"bench {index}", model=models[index % len(models)], host="127.0.0.1",
            port=port, poll_interval=interval,
        )  # fmt: skip
        fields = device_service().receiver_validate(data=data)
        # Spread the first polls over one interval, as a fleet in its steady state is.
        offset = timezone.timedelta(seconds=interval * index / len(ports))
        rows.append(Receiver(venue=venue, next_sync_at=now + offset, **fields))
    Receiver.objects.bulk_create(rows, batch_size=1000)
    schedules_apply()
    return venue


def change_name(port: int, token: str) -> bool:
    """Rename channel 1 the way a device's front panel would; False when it did not answer."""
    try:
        _send_name(port, token)
    except OSError:
        return False
    return True


def _send_name(port: int, token: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(f"< SET 1 CHAN_NAME {{{token}}} >".encode())
        conn.settimeout(0.05)
        with contextlib.suppress(TimeoutError):
            conn.recv(4096)  # the device's REP, if it sends one


@contextmanager
def processes(log_dir: Path) -> Iterator[Any]:
    from micboard.devtools.processes import ProcessGroup  # noqa: PLC0415

    # Fresh logs: the simulator's log is where the run reads its receivers' ports from.
    for old in log_dir.glob("*.log"):
        old.unlink()
    group = ProcessGroup(log_dir)
    try:
        yield group
    finally:
        group.stop_all(grace_seconds=20)


@dataclass
class Samples:
    """What the measuring loop collects, one round a second."""

    syncs_seen: int
    staleness: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    probes: dict[str, float] = field(default_factory=dict)
    queue_depth_max: int = 0
    peak_rss: int = 0
    timeline: list[TimelineRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One second of a run, for ``--timeline``: where a dip in freshness happened."""

    second: int
    fresh_t: float
    fresh_2t: float
    oldest_s: float
    syncs: int
    queue_depth: int

    @staticmethod
    def header() -> str:
        return "second,fresh_t,fresh_2t,oldest_s,syncs,queue_depth"

    def csv(self) -> str:
        return (
            f"{self.second},{self.fresh_t:.4f},{self.fresh_2t:.4f},{self.oldest_s:.2f},"
            f"{self.syncs},{self.queue_depth}"
        )


class FleetBench:
    """One benchmark run at one fleet size; the processes live in ``group``."""

    def __init__(self, args: argparse.Namespace, receivers: int, group: Any) -> None:
        import redis  # noqa: PLC0415
        from django.conf import settings  # noqa: PLC0415

        from micboard.workers.celery import app  # noqa: PLC0415

        self.args, self.n, self.group, self.app = args, receivers, group, app
        self.broker = redis.Redis.from_url(settings.REDIS_URL)
        self.log_dir = ROOT / "var" / "bench" / f"n{receivers}"
        self.result = Result(receivers, args.interval, args.workers, args.concurrency,
                             args.pool, args.duration)  # fmt: skip
        self.result.expected_per_s = receivers / args.interval
        self.result.batch_size = args.batch_size
        self.result.poll_concurrency = args.poll_concurrency
        self.result.silent = args.silent
        self.counter = EventCounter(app)
        self.workers: list[Any] = []
        self.beat: Any = None
        self.ports: list[int] = []
        self.silent_ports: list[int] = []
        self.answering: list[int] = []
        self.venue: Any = None

    def clear_broker(self) -> None:
        """Drop this benchmark's queues and keys (and only those) from Redis."""
        from django.conf import settings  # noqa: PLC0415

        for pattern in (f"{settings.MICBOARD_QUEUE_PREFIX}*", f"{settings.MICBOARD_KEY_PREFIX}*"):
            stale = list(self.broker.scan_iter(match=pattern, count=1000))
            if stale:
                self.broker.delete(*stale)

    def start(self) -> None:
        self.clear_broker()
        silent = silent_indexes(self.n, self.args.silent)
        self.ports = start_simulator(self.group, self.n, self.args.models, silent)
        self.silent_ports = [self.ports[i] for i in silent]
        quiet = set(silent)
        self.answering = [port for i, port in enumerate(self.ports) if i not in quiet]
        self.venue = register(self.ports, self.args.models.split(","), int(self.args.interval))
        central = env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        secure = getattr(self.args, "secure", None)
        if secure is not None:  # the workers as the venue; beat stays central
            env = secure.worker_env(self.venue, central)
        celery = [sys.executable, "-m", "celery", "-A", "micboard.workers"]
        for i in range(self.args.workers):
            self.workers.append(self.group.start(
                f"worker{i}",
                [*celery, "worker", "-Q", self.venue.queue_name, "-c", str(self.args.concurrency),
                 "-P", self.args.pool, "-n", f"bench{i}@%h", "--without-mingle",
                 "--without-gossip", "-l", "WARNING"],
                env,
            ))  # fmt: skip
        self.counter.start()
        self.beat = self.group.start(
            "beat", [*celery, "beat", "-l", "WARNING", "-s", str(self.log_dir / "beat.schedule")],
            central,
        )  # fmt: skip

    def usage(self) -> dict[int, Any]:
        from bench.processes import tree_usage  # noqa: PLC0415

        return {w.process.pid: tree_usage(w.process.pid) for w in self.workers}

    def measure(self) -> None:
        before, synced_before = self.usage(), self.counter.syncs()
        samples, rng = Samples(syncs_seen=synced_before), random.Random(7)
        began = time.monotonic()
        tick = 0
        while time.monotonic() - began < self.args.duration:
            tick += 1
            self._sample(samples, tick, rng)
            time.sleep(max(0.0, began + tick - time.monotonic()))
        elapsed = time.monotonic() - began
        synced = self.counter.syncs() - synced_before
        after = self.usage()
        cpu = sum(after[p].cpu_seconds - before[p].cpu_seconds for p in before)
        rss_start = sum(sum(u.rss_bytes) for u in before.values())
        rss_end = sum(sum(u.rss_bytes) for u in after.values())
        r = self.result
        r.syncs_per_s = synced / elapsed
        r.fresh_t = statistics.fmean(row.fresh_t for row in samples.timeline)
        r.fresh_2t = statistics.fmean(row.fresh_2t for row in samples.timeline)
        r.staleness_p50 = percentile(samples.staleness, 0.5)
        r.staleness_p99 = percentile(samples.staleness, 0.99)
        r.change_p50 = percentile(samples.latencies, 0.5)
        r.change_p99 = percentile(samples.latencies, 0.99)
        r.changes_seen, r.changes_missed = len(samples.latencies), len(samples.probes)
        r.cpu_s_per_1000_syncs = 1000 * cpu / max(1, synced)
        r.peak_rss_mb = samples.peak_rss / 2**20
        r.rss_growth_pct = 100 * (rss_end - rss_start) / max(1, rss_start)
        r.queue_depth_max = samples.queue_depth_max
        r.expired, r.failed = self.counter.expired, self.counter.failed
        if self.args.timeline:
            path = timeline_path(self.args.timeline, self.n, several=bool(self.args.series))
            rows = [TimelineRow.header(), *(row.csv() for row in samples.timeline)]
            path.write_text("\n".join(rows) + "\n")

    def _sample(self, samples: Samples, tick: int, rng: random.Random) -> None:
        from django.utils import timezone  # noqa: PLC0415

        from micboard.models import Channel, Receiver  # noqa: PLC0415

        now = timezone.now()
        # Freshness of the receivers that answer: a silent one is never fresh, by design.
        answering = Receiver.objects.filter(venue=self.venue).exclude(port__in=self.silent_ports)
        seen = answering.values_list("last_seen_at", flat=True)
        ages = [(now - s).total_seconds() if s else 1e9 for s in seen]
        samples.staleness += ages
        queue = self.venue.queue_name
        depth = sum(
            int(self.broker.llen(name)) for name in [queue, *(f"{queue}:{p}" for p in range(1, 10))]
        )
        samples.queue_depth_max = max(samples.queue_depth_max, depth)
        synced = self.counter.syncs()
        samples.timeline.append(TimelineRow(
            tick,
            sum(a < self.args.interval for a in ages) / len(ages),
            sum(a < 2 * self.args.interval for a in ages) / len(ages),
            max(ages),
            synced - samples.syncs_seen,
            depth,
        ))  # fmt: skip
        samples.syncs_seen = synced
        if tick % 2 == 0:
            token = f"P{tick:05d}"
            samples.probes[token] = time.monotonic()
            if not change_name(self.answering[rng.randrange(len(self.answering))], token):
                samples.probes.pop(token)
        landed = Channel.objects.filter(name__in=list(samples.probes), receiver__venue=self.venue)
        for token in set(landed.values_list("name", flat=True)):
            samples.latencies.append(time.monotonic() - samples.probes.pop(token))
        rss = [b for usage in self.usage().values() for b in usage.rss_bytes]
        samples.peak_rss = max([samples.peak_rss, *rss])

    def stop_dispatching(self) -> None:
        """Stop beat and let the last dispatched syncs finish (once)."""
        if self.beat is not None:
            self.group.kill(self.beat)
            self.beat = None
            time.sleep(self.args.interval + 1)

    def vendor_cost(self) -> None:
        """The same workers syncing each vendor's receivers alone (``bench/vendor_cost.py``)."""
        from bench.vendor_cost import measure_vendor_cost  # noqa: PLC0415

        self.stop_dispatching()
        passes = self.args.vendor_passes
        self.result.cpu_s_per_1000_syncs_by_vendor = measure_vendor_cost(self, passes)

    def ceiling(self) -> None:
        """The same workers draining no-op tasks through the same broker and queue."""
        self.stop_dispatching()
        before, done_before = self.usage(), self.counter.count("micboard.ping")
        start = time.monotonic()
        with self.app.producer_or_acquire() as producer:
            for _ in range(self.args.noops):
                self.app.send_task("micboard.ping", queue=self.venue.queue_name, producer=producer)
        deadline = start + 300
        while self.counter.count("micboard.ping") - done_before < self.args.noops:
            if time.monotonic() > deadline:
                self.result.notes.append("no-op drain timed out")
                break
            time.sleep(0.05)
        drained = self.counter.count("micboard.ping") - done_before
        self.result.noop_per_s = drained / (time.monotonic() - start)
        after = self.usage()
        cpu = sum(after[p].cpu_seconds - before[p].cpu_seconds for p in before)
        self.result.cpu_s_per_1000_noops = 1000 * cpu / max(1, drained)
        self.counter.stop()

    def count_queries(self) -> None:
        """Queries of one steady-state batch, run here once beat has stopped dispatching."""
        from django.db import connection  # noqa: PLC0415
        from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

        from micboard.composition import sync_service  # noqa: PLC0415
        from micboard.models import Receiver  # noqa: PLC0415

        batch = Receiver.objects.filter(venue=self.venue).values_list("pk", flat=True)
        ids = list(batch[: self.args.batch_size])
        if not ids:
            return
        sync_service().receivers_sync(receiver_ids=ids)
        with CaptureQueriesContext(connection) as queries:
            sync_service().receivers_sync(receiver_ids=ids)
        skipped = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
        counted = [q for q in queries.captured_queries if not q["sql"].startswith(skipped)]
        self.result.queries_per_sync = len(counted) / len(ids)


def timeline_path(path: Path, receivers: int, *, several: bool) -> Path:
    """``--timeline`` names one file; a series writes one per N beside it."""
    return path.with_name(f"{path.stem}-n{receivers}{path.suffix}") if several else path


def run(args: argparse.Namespace, receivers: int) -> Result:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    with processes(ROOT / "var" / "bench" / f"n{receivers}") as group:
        bench = FleetBench(args, receivers, group)
        bench.start()
        time.sleep(args.warmup)
        bench.measure()
        if args.vendor_passes:
            bench.vendor_cost()
        bench.ceiling()
        bench.count_queries()
    return bench.result


def print_table(results: list[Result]) -> None:
    rows = [
        ("receivers (N)", lambda r: f"{r.receivers}"),
        ("alert evaluation", lambda r: "on" if r.alerts else "off"),
        ("of which silent", lambda r: f"{r.silent} (not in freshness)"),
        ("poll interval T", lambda r: f"{r.interval:.0f} s"),
        ("workers x concurrency", lambda r: f"{r.workers} x {r.concurrency} ({r.pool})"),
        ("syncs/s (expected N/T)", lambda r: f"{r.syncs_per_s:.0f} ({r.expected_per_s:.0f})"),
        ("fresh < T / < 2T", lambda r: f"{100 * r.fresh_t:.1f}% / {100 * r.fresh_2t:.1f}%"),
        ("staleness p50 / p99", lambda r: f"{r.staleness_p50:.1f} s / {r.staleness_p99:.1f} s"),
        ("change to DB p50 / p99", lambda r: f"{r.change_p50:.2f} s / {r.change_p99:.2f} s"),
        ("changes seen / missed", lambda r: f"{r.changes_seen} / {r.changes_missed}"),
        ("worker CPU s / 1000 syncs", lambda r: f"{r.cpu_s_per_1000_syncs:.2f}"),
        *vendor_rows(results),
        ("receivers per message", lambda r: f"{r.batch_size} ({r.poll_concurrency} at once)"),
        ("queries / sync", lambda r: f"{r.queries_per_sync:.2f}"),
        ("peak RSS / worker process", lambda r: f"{r.peak_rss_mb:.0f} MiB"),
        ("RSS growth over the run", lambda r: f"{r.rss_growth_pct:+.1f}%"),
        ("queue depth max", lambda r: f"{r.queue_depth_max}"),
        ("expired / failed tasks", lambda r: f"{r.expired} / {r.failed}"),
        ("no-op ceiling", lambda r: f"{r.noop_per_s:.0f} tasks/s"),
        ("CPU s / 1000 no-ops", lambda r: f"{r.cpu_s_per_1000_noops:.2f}"),
        ("sync cost / no-op cost", lambda r: f"{r.cost_ratio:.1f}x"),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, cell in rows:
        print(f"| {name:<{width}} | " + " | ".join(cell(r) for r in results) + " |")
    for r in results:
        for note in r.notes:
            print(f"note (N={r.receivers}): {note}")


def vendor_rows(results: list[Result]) -> list[tuple[str, Any]]:
    """One row per vendor measured: worker CPU per 1,000 of that vendor's syncs."""
    vendors = sorted({v for r in results for v in r.cpu_s_per_1000_syncs_by_vendor})

    def cell(vendor: str) -> Any:
        return lambda r: f"{r.cpu_s_per_1000_syncs_by_vendor.get(vendor, 0.0):.2f}"

    return [(f"worker CPU s / 1000 {vendor} syncs", cell(vendor)) for vendor in vendors]


def print_alert_cost(results: list[Result]) -> None:
    """Worker CPU per sync with alert evaluation on over off, for each N measured both ways."""
    for size in dict.fromkeys(r.receivers for r in results):
        on = [r for r in results if r.receivers == size and r.alerts]
        off = [r for r in results if r.receivers == size and not r.alerts]
        if on and off and off[0].cpu_s_per_1000_syncs:
            ratio = on[0].cpu_s_per_1000_syncs / off[0].cpu_s_per_1000_syncs
            print(f"N={size}: CPU per sync, alert evaluation on / off = {ratio:.2f}")


def plot(results: list[Result], out_dir: Path) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    out_dir.mkdir(parents=True, exist_ok=True)
    n = [r.receivers for r in results]
    charts = [
        ("bench-throughput.png", "syncs/s", [r.syncs_per_s for r in results],
         [r.expected_per_s for r in results], "expected N/T"),
        ("bench-freshness.png", "fresh within T (%)", [100 * r.fresh_t for r in results],
         [100 * r.fresh_2t for r in results], "within 2T"),
        ("bench-cpu.png", "worker CPU s per 1000 syncs", [r.cpu_s_per_1000_syncs for r in results],
         [r.cpu_s_per_1000_noops for r in results], "no-op task"),
    ]  # fmt: skip
    for name, label, measured, reference, reference_label in charts:
        figure, axis = plt.subplots(figsize=(6, 4))
        axis.plot(n, measured, marker="o", label=label)
        axis.plot(n, reference, marker="x", linestyle="--", label=reference_label)
        axis.set_xscale("log")
        axis.set_xlabel("receivers (N)")
        axis.set_ylabel(label)
        axis.grid(visible=True, alpha=0.3)
        axis.legend()
        figure.tight_layout()
        figure.savefig(out_dir / name, dpi=100)
        plt.close(figure)


class SecureCentre:
    """``--venue-roles``: the central database and Redis as throwaway TLS servers, and the
    workers started with the venue's own database role and Redis ACL user over them."""

    PASSWORD = "bench-only-central-password"  # noqa: S105 - a throwaway server's

    def __init__(self) -> None:
        import tempfile  # noqa: PLC0415

        from micboard.devtools.secure_links import (  # noqa: PLC0415
            PostgresCluster,
            TlsRedis,
            make_authority,
        )

        certs = Path(tempfile.mkdtemp(prefix="micboard-bench-tls-"))
        certs.chmod(0o755)
        self.authority = make_authority(certs, "bench")
        self.postgres = PostgresCluster.start(self.authority, password=self.PASSWORD)
        self.redis = TlsRedis.start(self.authority, admin_password=self.PASSWORD)
        ca = self.authority.ca_cert
        self.database_url = self.postgres.url(
            user=self.postgres.admin, password=self.PASSWORD, database="micboard_bench", ca=ca
        )
        self.redis_url = self.redis.url(user="admin", password=self.PASSWORD, ca=ca)

    def worker_env(self, venue: Any, env: dict[str, str]) -> dict[str, str]:
        import redis  # noqa: PLC0415

        from micboard.services import worker_access  # noqa: PLC0415

        worker_access.db_roles_apply(row_security=True)
        login = worker_access.venue_login_apply(login="venue_bench", venue_slug=venue.slug)
        user, password = f"worker-{venue.slug}", "bench-only-worker-password"
        line = worker_access.redis_acl_line(user=user, venue_slug=venue.slug, password=password)
        worker_access.redis_acl_write(path=self.redis.aclfile, line=line)
        worker_access.redis_acl_apply(client=redis.Redis.from_url(self.redis_url), line=line)
        ca = self.authority.ca_cert
        worker = {k: v for k, v in env.items() if k != "SECRET_KEY"}
        return {
            **worker,
            "MICBOARD_PROCESS_ROLE": "venue-worker",
            "MICBOARD_WORKER_QUEUE": venue.queue_name,
            "DATABASE_URL": self.postgres.url(
                user=login.login, password=login.password, database="micboard_bench", ca=ca
            ),
            "REDIS_URL": self.redis.url(user=user, password=password, ca=ca),
        }

    def stop(self) -> None:
        self.redis.stop()
        self.postgres.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--receivers", type=int, default=100)
    parser.add_argument("--series", help="comma-separated N values, run one after another")
    parser.add_argument("--interval", type=float, default=5.0, help="poll interval T, seconds")
    parser.add_argument("--workers", type=int, default=2, help="worker processes K")
    parser.add_argument("--concurrency", type=int, default=1, help="per worker process")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--noops", type=int, default=5000)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=20,
        help="receivers per sync message (MICBOARD_SYNC_BATCH_SIZE); 1 = one each",
    )
    parser.add_argument(
        "--poll-concurrency",
        type=int,
        default=10,
        help="device conversations a batch holds open at once",
    )
    parser.add_argument(
        "--silent", type=int, default=0, help="receivers that accept connections, never answer"
    )
    parser.add_argument(
        "--models",
        default=DEFAULT_MODELS,
        help="comma-separated, round-robin (default: one per family, its 4-channel model if any)",
    )
    parser.add_argument(
        "--alerts",
        choices=["on", "off", "both"],
        default="on",
        help="alert evaluation after each batch write; both: each N with it on, then off",
    )
    parser.add_argument(
        "--vendor-passes",
        type=int,
        default=3,
        help="after the run, each vendor's receivers synced alone this many times over for "
        "the CPU per sync per vendor (0: skip)",
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument(
        "--venue-roles",
        action="store_true",
        help="throwaway TLS PostgreSQL and Redis; workers as the venue's database role and "
        "Redis ACL user (docs/adr/0031, 0032)",
    )
    parser.add_argument("--plot", type=Path, help="directory for the PNG charts")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--timeline",
        type=Path,
        help="CSV of every measured second: freshness, oldest receiver, syncs, queue depth",
    )
    args = parser.parse_args()
    if args.plot:
        try:
            import matplotlib  # noqa: F401, PLC0415
        except ImportError:
            parser.error("--plot needs matplotlib: .venv/bin/pip install -e '.[bench]'")
    args.secure = SecureCentre() if args.venue_roles else None
    try:
        return run_all(args)
    finally:
        if args.secure is not None:
            args.secure.stop()


def run_all(args: argparse.Namespace) -> int:
    if args.secure is not None:
        args.database_url = args.secure.database_url
        os.environ["REDIS_URL"] = args.secure.redis_url
    prepare_environment(args.database_url)
    os.environ["MICBOARD_SYNC_BATCH_SIZE"] = str(args.batch_size)
    os.environ["MICBOARD_POLL_CONCURRENCY"] = str(args.poll_concurrency)
    sizes = [int(n) for n in args.series.split(",")] if args.series else [args.receivers]
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.alerts]
    results = []
    for size in sizes:
        for alerts in modes:
            print(f"running N={size}, alerts {'on' if alerts else 'off'} ...", file=sys.stderr)
            os.environ["MICBOARD_ALERTS_ENABLED"] = "true" if alerts else "false"
            result = run(args, size)
            result.alerts = alerts
            results.append(result)
    print(f"command: {' '.join(sys.argv)}")
    print_table(results)
    print_alert_cost(results)
    if args.json_out:
        args.json_out.write_text(json.dumps([asdict(r) for r in results], indent=2))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
