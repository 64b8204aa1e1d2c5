"""Reads of performers, events and assignments: lists, who is assigned now, photo addresses.

Who is assigned now, per channel slot: the assignment of an event running now (the latest
started, when events overlap), otherwise the standing assignment, otherwise nobody.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from micboard.models import Assignment, Event, Performer, Venue

PHOTO_SIZES = ("photo", "tile")
_PHOTO_SALT = "micboard.performer-photo"
CSV_COLUMNS = ("performer", "part", "receiver", "channel", "channel_name", "event", "photo")

Slot = tuple[int, int]


def performer_list(*, venue_slug: str = "") -> QuerySet[Performer]:
    performers = Performer.objects.select_related("venue").order_by("venue__name", "name", "pk")
    return performers.filter(venue__slug=venue_slug) if venue_slug else performers


def event_list(*, venue_slug: str = "") -> QuerySet[Event]:
    events = Event.objects.select_related("venue").order_by("venue__name", "starts_at", "pk")
    return events.filter(venue__slug=venue_slug) if venue_slug else events


def assignment_list(
    *, venue_slug: str = "", performer_id: int | None = None
) -> QuerySet[Assignment]:
    assignments = Assignment.objects.select_related(
        "venue", "performer", "receiver", "event"
    ).order_by("venue__name", "receiver__name", "channel_number", "event__starts_at", "pk")
    if venue_slug:
        assignments = assignments.filter(venue__slug=venue_slug)
    if performer_id is not None:
        assignments = assignments.filter(performer_id=performer_id)
    return assignments


# --- photos -------------------------------------------------------------------------------


def _photo_message(performer: Performer, size: str) -> str:
    name = performer.photo_tile.name if size == "tile" else performer.photo.name
    return f"{performer.pk}:{size}:{name or ''}"


def photo_url(performer: Performer, *, size: str = "tile") -> str:
    """The photo view's address for ``size``, signed for the photo stored now ("" without a
    photo). The signature lets a wall that was allowed to see the tile load its photo."""
    if not performer.photo_tile.name:
        return ""
    signature = signing.Signer(salt=_PHOTO_SALT).signature(_photo_message(performer, size))
    path = reverse("micboard-performer-photo", kwargs={"performer_id": performer.pk, "size": size})
    return f"{path}?sig={signature}"


def photo_signature_valid(performer: Performer, *, size: str, signature: str) -> bool:
    expected = signing.Signer(salt=_PHOTO_SALT).signature(_photo_message(performer, size))
    return constant_time_compare(expected, signature)


def performer_for_photo(*, performer_id: int) -> Performer | None:
    return (
        Performer.objects.filter(pk=performer_id)
        .only("pk", "photo", "photo_tile", "venue_id")
        .first()
    )


# --- who is assigned now ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignedNow:
    """The performer on each slot now, and the next moment that changes by itself."""

    by_slot: dict[Slot, Performer] = field(default_factory=dict)
    next_change_at: datetime | None = None

    def tile(self, receiver_id: int, number: int) -> dict[str, str] | None:
        performer = self.by_slot.get((receiver_id, number))
        if performer is None:
            return None
        return {"name": performer.name, "part": performer.part, "photo_url": photo_url(performer)}


def _resolve(rows: list[Assignment], now: datetime) -> AssignedNow:
    standing: dict[Slot, Performer] = {}
    running: dict[Slot, tuple[datetime, int, Performer]] = {}
    boundaries: list[datetime] = []
    for row in rows:
        slot = (row.receiver_id, row.channel_number)
        event = row.event
        if event is None:
            standing[slot] = row.performer
            continue
        if event.starts_at > now:
            boundaries.append(event.starts_at)
        elif event.ends_at > now:
            boundaries.append(event.ends_at)
            held = running.get(slot)
            if held is None or (event.starts_at, event.pk) > held[:2]:
                running[slot] = (event.starts_at, event.pk, row.performer)
    by_slot = standing | {slot: performer for slot, (_, _, performer) in running.items()}
    return AssignedNow(by_slot, min(boundaries, default=None))


def assigned_now(*, venue: Venue | None, now: datetime) -> AssignedNow:
    """Who is on each channel slot of ``venue`` (None: every venue) at ``now``: one query."""
    rows = (
        Assignment.objects.filter(Q(event__isnull=True) | Q(event__ends_at__gt=now))
        .filter(**({"venue": venue} if venue else {}))
        .select_related("performer", "event")
        .order_by()
        .only(
            "receiver",
            "channel_number",
            "performer",
            "event",
            "performer__name",
            "performer__part",
            "performer__photo",
            "performer__photo_tile",
            "event__starts_at",
            "event__ends_at",
        )
    )
    return _resolve(list(rows), now)


# --- CSV export ---------------------------------------------------------------------------


def assignments_csv_rows(*, venue: Venue) -> list[dict[str, Any]]:
    """One row per assignment of ``venue``, in the import's columns."""
    rows = []
    for assignment in assignment_list(venue_slug=venue.slug).select_related("receiver"):
        rows.append(
            {
                "performer": assignment.performer.name,
                "part": assignment.performer.part,
                "receiver": assignment.receiver.name,
                "channel": assignment.channel_number,
                "channel_name": "",
                "event": assignment.event.name if assignment.event else "",
                "photo": assignment.performer.photo_source,
            }
        )
    return rows


def assignments_csv(*, venue: Venue) -> str:
    """The venue's assignments as CSV text, a header row first; the import reads it back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in assignments_csv_rows(venue=venue):
        writer.writerow({key: _csv_safe(value) for key, value in row.items()})
    return out.getvalue()


def _csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
