"""Health checks for operators and probes: broker, database, freshness, cycles, consumers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Celery
from django.db import connection
from django.db.models import Max
from django.db.utils import Error as DatabaseError

from micboard.models import DispatchCycle, Venue
from micboard.selectors.freshness import venue_liveness


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("database", False, f"{type(error).__name__}: {error}".strip())
    return Check("database", True, connection.vendor)


def check_broker(*, app: Celery, timeout: float) -> Check:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
            where = conn.as_uri()
    except Exception as error:
        return Check("broker", False, f"{type(error).__name__}: {error}")
    return Check("broker", True, where)


def check_dispatch_cycles(*, now: datetime, max_age: timedelta) -> list[Check]:
    """Beat ticks and a venue worker runs the dispatcher: each venue has a recent cycle."""
    venues = Venue.objects.filter(receivers__enabled=True).distinct()
    last = dict(
        DispatchCycle.objects.filter(venue__in=venues)
        .values("venue")
        .annotate(last=Max("started_at"))
        .values_list("venue", "last")
    )
    checks = []
    for venue in venues:
        seen = last.get(venue.pk)
        if seen is not None and now - seen <= max_age:
            age = (now - seen).total_seconds()
            checks.append(Check(f"dispatch {venue.slug}", True, f"last cycle {age:.0f} s ago"))
            continue
        when = f"last cycle at {seen:%Y-%m-%d %H:%M:%S}" if seen else "no cycle recorded"
        checks.append(
            Check(
                f"dispatch {venue.slug}",
                False,
                f"{when}: is beat running, and a worker consuming {venue.queue_name}?",
            )
        )
    return checks


def check_freshness(*, now: datetime, min_fresh_share: float) -> list[Check]:
    """Each venue with receivers has at least ``min_fresh_share`` of them fresh."""
    checks = []
    for liveness in venue_liveness(now=now):
        if not liveness.enabled:
            continue
        detail = (
            f"{liveness.fresh} of {liveness.enabled} receivers fresh "
            f"({liveness.fresh_share:.0%}, at least {min_fresh_share:.0%} wanted)"
        )
        if not liveness.reporting:
            detail += f"; {liveness.not_reporting_message()}"
        checks.append(
            Check(f"fresh {liveness.slug}", liveness.fresh_share >= min_fresh_share, detail)
        )
    return checks


def check_consumers(*, app: Celery, queues: list[str], timeout: float) -> list[Check]:
    """Each queue has at least one live worker consuming it."""
    replies = app.control.inspect(timeout=timeout).active_queues() or {}
    consumers: dict[str, list[str]] = {}
    for worker, worker_queues in replies.items():
        for queue in worker_queues:
            consumers.setdefault(str(queue.get("name")), []).append(worker)
    return [
        Check(
            f"queue {queue}",
            bool(consumers.get(queue)),
            ", ".join(sorted(consumers[queue])) if consumers.get(queue) else "no live consumer",
        )
        for queue in queues
    ]


def run_checks(
    *,
    app: Celery,
    now: datetime,
    max_cycle_age: timedelta,
    timeout: float,
    housekeeping: str,
    min_fresh_share: float = 0.9,
) -> list[Check]:
    database = check_database()
    if not database.ok:
        return [database, check_broker(app=app, timeout=timeout)]
    # The data's age first: it tells the truth even when the broker cannot be asked.
    freshness = check_freshness(now=now, min_fresh_share=min_fresh_share)
    checks = [database, check_broker(app=app, timeout=timeout), *freshness]
    if not all(check.ok for check in checks[:2]):
        return checks
    checks += check_dispatch_cycles(now=now, max_age=max_cycle_age)
    queues = list(
        Venue.objects.filter(receivers__enabled=True)
        .distinct()
        .values_list("queue_name", flat=True)
    )
    checks += check_consumers(app=app, queues=[*queues, housekeeping], timeout=timeout)
    return checks
