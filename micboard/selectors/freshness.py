"""Staleness, from the data's age at read time: which receivers and venue workers report.

A receiver is stale when its last sync (answered or found unreachable) is older than its
venue's ``stale_after_polls`` poll intervals; a receiver never synced counts from the moment
it was added. Nothing has to be written for data to turn stale, so a dead worker, a broken
link or a stopped beat all show, on every read, without anyone noticing first.

A venue's worker is *not reporting* when every enabled receiver of the venue is stale: its
queue has no consumer, or the work dispatched to it is not being done.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from micboard.models import Receiver, Venue
from micboard.models.venues import DEFAULT_STALE_AFTER_POLLS


def stale_after(*, poll_interval: int, polls: int = DEFAULT_STALE_AFTER_POLLS) -> timedelta:
    """How old a receiver's data may grow before it is stale."""
    return timedelta(seconds=max(1, poll_interval) * max(1, polls))


def synced_or_added_at(receiver: Receiver) -> datetime:
    """The moment the receiver's data dates from (when it was added, before any sync)."""
    return receiver.last_sync_at or receiver.created_at


def stale_since(receiver: Receiver, *, polls: int) -> datetime:
    """The moment the receiver's current data turns (or turned) stale."""
    return synced_or_added_at(receiver) + stale_after(
        poll_interval=receiver.poll_interval, polls=polls
    )


def receiver_is_stale(receiver: Receiver, *, now: datetime, polls: int) -> bool:
    return receiver.enabled and now >= stale_since(receiver, polls=polls)


def receiver_stale_at(*, now: datetime, path: str = "") -> Q:
    """A filter for receivers (reached through ``path``, such as ``"receiver__"``) that are
    stale at ``now``: :func:`receiver_is_stale`, said in SQL."""
    limit = ExpressionWrapper(
        Greatest(F(f"{path}poll_interval"), 1)
        * Greatest(F(f"{path}venue__stale_after_polls"), 1)
        * Value(timedelta(seconds=1)),
        output_field=DurationField(),
    )
    turns_stale = ExpressionWrapper(
        Coalesce(F(f"{path}last_sync_at"), F(f"{path}created_at")) + limit,
        output_field=DateTimeField(),
    )
    stale = LessThanOrEqual(turns_stale, Value(now, output_field=DateTimeField()))
    return Q(stale) & Q(**{f"{path}enabled": True})


def data_age_seconds(receiver: Receiver, *, now: datetime) -> float | None:
    """Seconds since the last sync; None for a receiver never synced."""
    if receiver.last_sync_at is None:
        return None
    return max(0.0, (now - receiver.last_sync_at).total_seconds())


@dataclass(frozen=True, slots=True)
class VenueLiveness:
    """Whether a venue's worker reports, and how fresh the venue's receivers are."""

    venue_id: int
    slug: str
    enabled: int
    fresh: int
    last_sync_at: datetime | None
    """The venue's newest data (a receiver's last sync, or when it was added)."""

    @property
    def stale(self) -> int:
        return self.enabled - self.fresh

    @property
    def fresh_share(self) -> float:
        """Share of the enabled receivers that are fresh (1.0 for a venue without any)."""
        return self.fresh / self.enabled if self.enabled else 1.0

    @property
    def reporting(self) -> bool:
        return self.enabled == 0 or self.fresh > 0

    def not_reporting_message(self) -> str:
        """ "venue worker not reporting since HH:MM:SS" (UTC); blank while it reports."""
        if self.reporting:
            return ""
        since = (
            f"{timezone.localtime(self.last_sync_at):%H:%M:%S}" if self.last_sync_at else "--:--:--"
        )
        return f"venue worker not reporting since {since}"


def venue_liveness(*, now: datetime, venue: Venue | None = None) -> list[VenueLiveness]:
    """Every venue's liveness (or ``venue``'s alone), by name: two queries.

    The alert rule "venue worker not reporting" reads this too."""
    venues = Venue.objects.order_by("name", "pk")
    receivers = Receiver.objects.filter(enabled=True)
    if venue is not None:
        venues = venues.filter(pk=venue.pk)
        receivers = receivers.filter(venue=venue)
    venue_rows = list(venues.values_list("pk", "slug", "stale_after_polls"))
    polls = {pk: value for pk, _, value in venue_rows}
    enabled: dict[int, int] = defaultdict(int)
    fresh: dict[int, int] = defaultdict(int)
    newest: dict[int, datetime] = {}
    rows = receivers.values_list("venue_id", "poll_interval", "last_sync_at", "created_at")
    for venue_id, interval, synced_at, created_at in rows:
        enabled[venue_id] += 1
        since = synced_at or created_at
        limit = stale_after(poll_interval=interval, polls=polls.get(venue_id, 1))
        if now < since + limit:
            fresh[venue_id] += 1
        if venue_id not in newest or since > newest[venue_id]:
            newest[venue_id] = since
    return [
        VenueLiveness(
            venue_id=pk,
            slug=slug,
            enabled=enabled[pk],
            fresh=fresh[pk],
            last_sync_at=newest.get(pk),
        )
        for pk, slug, _ in venue_rows
    ]


def venue_liveness_of(*, now: datetime, venue: Venue) -> VenueLiveness:
    """One venue's liveness."""
    return venue_liveness(now=now, venue=venue)[0]
