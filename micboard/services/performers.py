"""Performers, events and assignments of a venue: create, change, delete, photos and swaps.

Photos are stored through a Django ``Storage`` (the default storage unless a caller passes
another), so a deployment can keep them on object storage. Files are written before the
row that names them and the files a row no longer names are deleted once it commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from micboard.exceptions import ConflictError, ValidationError
from micboard.models import Assignment, Event, Performer, Receiver, Venue
from micboard.services.photos import PhotoLimits, PhotoRenditions, photo_prepare
from micboard.services.validation import text_problem

log = structlog.get_logger(__name__)

MAX_NAME_LENGTH = 120
MAX_NOTES_LENGTH = 4000
MAX_FILE_NAME_LENGTH = 255


def text_field_problem(value: str, *, required: bool, max_length: int) -> str:
    """Why ``value`` (already stripped) cannot be a name or part, or ""."""
    if required and not value:
        return "required"
    if len(value) > max_length:
        return f"at most {max_length} characters"
    return text_problem(value)


# --- performers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PerformerInput:
    name: str
    part: str = ""
    notes: str = ""


def performer_validate(*, data: PerformerInput) -> dict[str, str]:
    """The performer's fields; raises ``ValidationError`` with per-field details."""
    fields = {"name": data.name.strip(), "part": data.part.strip(), "notes": data.notes.strip()}
    errors = {}
    for name, required in (("name", True), ("part", False)):
        if problem := text_field_problem(
            fields[name], required=required, max_length=MAX_NAME_LENGTH
        ):
            errors[name] = problem
    if len(fields["notes"]) > MAX_NOTES_LENGTH:
        errors["notes"] = f"at most {MAX_NOTES_LENGTH} characters"
    if errors:
        raise ValidationError("invalid performer", details=dict(errors))
    return fields


def _save_named(row: Performer | Event, kind: str, venue: Venue) -> None:
    """Save ``row``; a name the venue already has (for this kind) is a ``ConflictError``."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ConflictError(
            f"{kind} named {row.name!r} already exists in venue {venue.slug!r}",
            details={"name": row.name},
        ) from None


def performer_create(*, venue: Venue, data: PerformerInput) -> Performer:
    performer = Performer(venue=venue, **performer_validate(data=data))
    _save_named(performer, "a performer", venue)
    log.info("performer_created", venue=venue.slug, performer_id=performer.pk)
    return performer


def performer_update(*, performer: Performer, data: PerformerInput) -> Performer:
    for name, value in performer_validate(data=data).items():
        setattr(performer, name, value)
    _save_named(performer, "a performer", performer.venue)
    return performer


def _delete_files_on_commit(storage: Storage, names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


def performer_delete(*, performer: Performer, storage: Storage | None = None) -> None:
    """Deletes the performer, their assignments and, once that commits, their photo files."""
    with transaction.atomic():
        names = [performer.photo.name or "", performer.photo_tile.name or ""]
        performer.delete()
        _delete_files_on_commit(storage or default_storage, names)


def performer_photo_set(
    *,
    performer: Performer,
    data: bytes,
    filename: str,
    limits: PhotoLimits,
    storage: Storage | None = None,
) -> Performer:
    """Check, resize and store a photo (and its tile) for ``performer``; the old files go
    once the change commits. Raises ``ValidationError`` for a file that is not a photo."""
    source = photo_file_name(filename)
    renditions = photo_prepare(data=data, limits=limits)
    return photo_store(performer=performer, renditions=renditions, source=source, storage=storage)


def photo_file_name(filename: str) -> str:
    """The uploaded file's own name, without any folder; raises ``ValidationError``."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if problem := text_field_problem(name, required=False, max_length=MAX_FILE_NAME_LENGTH):
        raise ValidationError("invalid photo", details={"photo": f"the file name: {problem}"})
    return name


def photo_store(
    *,
    performer: Performer,
    renditions: PhotoRenditions,
    source: str,
    storage: Storage | None = None,
) -> Performer:
    """Store checked renditions as ``performer``'s photo (``photo_prepare`` made them)."""
    store = storage or default_storage
    stem = f"performers/{performer.venue_id}/{performer.pk}-{secrets.token_hex(6)}"
    written = [
        store.save(f"{stem}.jpg", ContentFile(renditions.photo)),
        store.save(f"{stem}-tile.jpg", ContentFile(renditions.tile)),
    ]
    old = [performer.photo.name or "", performer.photo_tile.name or ""]
    try:
        with transaction.atomic():
            performer.photo.name, performer.photo_tile.name = written
            performer.photo_source = source
            performer.save(update_fields=["photo", "photo_tile", "photo_source"])
            _delete_files_on_commit(store, old)
    except BaseException:
        for name in written:
            store.delete(name)
        raise
    log.info("performer_photo_set", performer_id=performer.pk, source=source)
    return performer


def performer_photo_clear(*, performer: Performer, storage: Storage | None = None) -> Performer:
    with transaction.atomic():
        old = [performer.photo.name or "", performer.photo_tile.name or ""]
        performer.photo.name = performer.photo_tile.name = ""
        performer.photo_source = ""
        performer.save(update_fields=["photo", "photo_tile", "photo_source"])
        _delete_files_on_commit(storage or default_storage, old)
    return performer


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventInput:
    """Times without a UTC offset are read in the venue's time zone."""

    name: str
    starts_at: datetime
    ends_at: datetime


def in_venue_time(venue: Venue, moment: datetime) -> datetime:
    """``moment`` as an aware time: a naive one is read in the venue's time zone."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, ZoneInfo(venue.time_zone))


def event_validate(*, venue: Venue, data: EventInput) -> dict[str, object]:
    name = data.name.strip()
    errors: dict[str, object] = {}
    if problem := text_field_problem(name, required=True, max_length=MAX_NAME_LENGTH):
        errors["name"] = problem
    starts_at, ends_at = in_venue_time(venue, data.starts_at), in_venue_time(venue, data.ends_at)
    if ends_at <= starts_at:
        errors["ends_at"] = "must be later than starts_at"
    if errors:
        raise ValidationError("invalid event", details=errors)
    return {"name": name, "starts_at": starts_at, "ends_at": ends_at}


def event_create(*, venue: Venue, data: EventInput) -> Event:
    event = Event(venue=venue, **event_validate(venue=venue, data=data))
    _save_named(event, "an event", venue)
    log.info("event_created", venue=venue.slug, event_id=event.pk)
    return event


def event_update(*, event: Event, data: EventInput) -> Event:
    for name, value in event_validate(venue=event.venue, data=data).items():
        setattr(event, name, value)
    _save_named(event, "an event", event.venue)
    return event


def event_delete(*, event: Event) -> None:
    """Deletes the event and its assignments; standing assignments show again."""
    event.delete()


# --- assignments --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignmentInput:
    performer: Performer
    receiver: Receiver
    channel_number: int
    event: Event | None = None


def slot_label(receiver: Receiver, number: int, event: Event | None) -> str:
    scope = f"event {event.name!r}" if event else "standing"
    return f"{receiver.name} ch{number} ({scope})"


def assignment_validate(*, data: AssignmentInput) -> None:
    """One venue for all, and a channel the receiver has; raises ``ValidationError``."""
    venue_id = data.performer.venue_id
    errors: dict[str, object] = {}
    if data.receiver.venue_id != venue_id:
        errors["receiver"] = "not a receiver of the performer's venue"
    elif not 1 <= data.channel_number <= data.receiver.channel_count:
        errors["channel_number"] = (
            f"{data.receiver.name} has channels 1-{data.receiver.channel_count}, "
            f"not {data.channel_number}"
        )
    if data.event is not None and data.event.venue_id != venue_id:
        errors["event"] = "not an event of the performer's venue"
    if errors:
        raise ValidationError("invalid assignment", details=errors)


def _slot_taken(data: AssignmentInput) -> ConflictError:
    label = slot_label(data.receiver, data.channel_number, data.event)
    return ConflictError(
        f"{label} already has a performer",
        details={"channel_number": data.channel_number, "receiver": data.receiver.pk},
    )


def _save_assignment(assignment: Assignment, data: AssignmentInput) -> Assignment:
    assignment.venue_id = data.performer.venue_id
    assignment.performer = data.performer
    assignment.receiver = data.receiver
    assignment.channel_number = data.channel_number
    assignment.event = data.event
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise _slot_taken(data) from None
    return assignment


def assignment_create(*, data: AssignmentInput) -> Assignment:
    assignment_validate(data=data)
    assignment = _save_assignment(Assignment(), data)
    log.info("assignment_created", assignment_id=assignment.pk, performer_id=data.performer.pk)
    return assignment


def assignment_update(*, assignment: Assignment, data: AssignmentInput) -> Assignment:
    assignment_validate(data=data)
    return _save_assignment(assignment, data)


def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()


@dataclass(frozen=True, slots=True)
class SwapResult:
    """``moved`` is now on the channel asked for; ``displaced`` took its former channel."""

    moved: Assignment
    displaced: Assignment | None


def assignment_swap(
    *, assignment: Assignment, receiver: Receiver, channel_number: int
) -> SwapResult:
    """Put ``assignment``'s performer on another channel (same event, or standing): whoever
    is assigned there takes the channel it leaves. One transaction."""
    data = AssignmentInput(assignment.performer, receiver, channel_number, assignment.event)
    assignment_validate(data=data)
    with transaction.atomic():
        # Both rows locked, in id order (two swaps of one pair never wait on each other).
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .filter(
                Q(pk=assignment.pk)
                | Q(receiver=receiver, channel_number=channel_number, event=assignment.event)
            )
            .select_related("performer")
            .order_by("pk")
        )
        other = next((row for row in locked if row.pk != assignment.pk), None)
        if other is None:
            moved = _save_assignment(assignment, data)
            log.info("assignment_moved", assignment_id=assignment.pk)
            return SwapResult(moved, None)
        # The rows keep their channels and exchange performers: no slot is ever doubled.
        other.performer, assignment.performer = assignment.performer, other.performer
        for row in (assignment, other):
            row.save(update_fields=["performer", "updated_at"])
    log.info("assignments_swapped", first=assignment.pk, second=other.pk)
    return SwapResult(other, assignment)
