"""Time from a transmitter's battery reaching CRITICAL to the email and the webhook received.

    .venv/bin/python bench/alerts.py --alerts 50

A fleet of simulated receivers on loopback, polled every second by a real in-process Celery
worker (venue queue and housekeeping queue) that a dispatcher thread feeds once a second,
as beat does; a real SMTP server (aiosmtpd) and a real HTTP server on loopback receive the
notifications (the test suite's, from ``tests/``). One alert at a time, each on its own
receiver: the battery of channel 1 drops to one bar and the clock runs until both
notifications of that alert have arrived. Uses the test settings (Redis database 15, its own
queue names) and a throwaway SQLite file unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micboard.project.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from micboard.composition import device_service, location_service, secret_box  # noqa: E402
from micboard.integrations.shure.fleet import Fleet  # noqa: E402
from micboard.integrations.shure.specs import receiver_spec  # noqa: E402
from micboard.models import AlertRule, ContactList, Receiver  # noqa: E402
from micboard.services.alerts.configuration import ContactInput, contact_save  # noqa: E402
from micboard.services.dto import ReceiverInput  # noqa: E402
from micboard.workers.celery import app  # noqa: E402
from tests.mail_server import MailServer  # noqa: E402
from tests.webhook_server import WebhookServer  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 - signs loopback webhooks of this run only


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def dispatcher(venue_id: int, queue: str, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        app.send_task("micboard.dispatch_due_syncs", args=[venue_id], queue=queue)


def wait_until(probe: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


def arrivals(mail: MailServer, hooks: WebhookServer, tag: str) -> tuple[list[float], list[float]]:
    """When the email and the webhook naming ``tag`` arrived (empty lists: not yet)."""
    mailed = [at for at, message in mail.arrived() if tag in message["Subject"]]
    posted = [d.at for d in hooks.received if tag in d.body["text"]]
    return mailed, posted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--alerts", type=int, default=50, help="alerts measured (one receiver each)"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per alert, seconds")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    mail = MailServer().start()
    hooks = WebhookServer(secret=SECRET).start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
    fleet = Fleet(
        [receiver_spec("ULXD4D", i) for i in range(args.alerts)], battery_drain=0.0, seed=7
    )
    fleet.start(timeout=30)
    for simulated in fleet.receivers:
        for channel in (1, 2):
            simulated.set_battery(channel, 5, 480)
    slug = f"bench-alerts-{os.getpid()}"
    venue = location_service().venue_create(name="Bench alerts", slug=slug)
    receivers = [
        device_service().receiver_register(
            venue=venue,
            data=ReceiverInput(
                name=f"Rack {i}", model="ULXD4D", host="127.0.0.1", port=sim.port, poll_interval=1
            ),
        )
        for i, sim in enumerate(fleet.receivers)
    ]
    steps = ContactList.objects.create(venue=venue, name="Audio lead")
    for contact in (
        ContactInput(name="Lead", channel="email", target="a@x.test"),
        ContactInput(name="Chat", channel="webhook", target=hooks.url, secret=SECRET),
    ):
        contact_save(contact_list=steps, data=contact, box=secret_box(), contact=None)
    AlertRule.objects.filter(venue=venue).exclude(kind="battery").update(enabled=False)
    stop = threading.Event()
    queues = [venue.queue_name, settings.CELERY_TASK_DEFAULT_QUEUE]
    email_s: list[float] = []
    webhook_s: list[float] = []
    missed = 0
    with start_worker(
        app, pool="threads", concurrency=4, queues=queues, perform_ping_check=False,
        loglevel="WARNING", shutdown_timeout=20,
    ):  # fmt: skip
        feeder = threading.Thread(target=dispatcher, args=(venue.pk, queues[0], stop), daemon=True)
        feeder.start()
        wait_until(
            lambda: Receiver.objects.filter(venue=venue, status="online").count() == len(receivers),
            60,
        )
        for simulated, receiver in zip(fleet.receivers, receivers, strict=True):
            began = time.time()
            simulated.set_battery(1, 1, 10)
            tag = f"{receiver.name} ch1 "
            if not wait_until(lambda: all(arrivals(mail, hooks, tag)), args.timeout):  # noqa: B023
                missed += 1
                continue
            mailed, posted = arrivals(mail, hooks, tag)
            email_s.append(mailed[0] - began)
            webhook_s.append(posted[0] - began)
        stop.set()
        feeder.join(5)
    fleet.stop(timeout=10)
    mail.stop()
    hooks.stop()
    print(f"command: {' '.join(sys.argv)}")
    print(f"alerts measured      {len(email_s)} (missed {missed})")
    print("poll interval        1 s (dispatcher every 1 s)")
    for name, values in (("email", email_s), ("webhook", webhook_s)):
        if values:
            print(
                f"CRITICAL -> {name:8} p50 {percentile(values, 0.5):.2f} s  "
                f"p99 {percentile(values, 0.99):.2f} s  max {max(values):.2f} s  "
                f"mean {statistics.mean(values):.2f} s"
            )
    print(f"signatures valid     {all(d.signature_ok for d in hooks.received)}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
