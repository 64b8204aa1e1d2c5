"""CSV import of a venue's assignments: every row checked, every change listed, all or nothing.

Columns (a header row names them, in any order): ``performer`` (required), ``part``, the
channel as ``receiver`` and ``channel`` (its number) or as ``channel_name`` (the name the
receiver reports, e.g. ``HH01 Lead``), ``event`` (blank: the standing assignment) and
``photo`` (the file name of a photo sent with the file). Each row puts the performer on the
channel for that event, creating the performer when the venue has none of that name and
setting the part and photo it gives. Assignments the file does not mention stay.

A dry run reports what would change and every rejected row with its reason. Otherwise a
file with any rejected row changes nothing; a clean one is applied in one transaction.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import structlog
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction

from micboard.exceptions import ConflictError, MicboardError, ValidationError
from micboard.models import Assignment, Channel, Event, Performer, Receiver, Venue
from micboard.selectors.performers import CSV_COLUMNS as COLUMNS
from micboard.services.performers import (
    MAX_NAME_LENGTH,
    photo_file_name,
    photo_store,
    slot_label,
    text_field_problem,
)
from micboard.services.photos import PhotoLimits, PhotoRenditions, photo_prepare

log = structlog.get_logger(__name__)

MAX_ROWS = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FIELD_LENGTH = 1000
_FORMULA_PREFIXES = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportChange:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (``applied``) or would do; ``rows`` counts the data rows read."""

    applied: bool
    rows: int
    changes: tuple[ImportChange, ...] = ()
    unchanged: int = 0
    rejected: tuple[RejectedRow, ...] = ()


class RowRejectedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class _Row:
    line: int
    name: str
    part: str
    receiver: Receiver
    number: int
    event: Event | None
    photo: str
    renditions: PhotoRenditions | None


@dataclass(slots=True)
class _Venue:
    """The venue's rows the file is checked against, read once (a handful of queries)."""

    receivers: dict[str, list[Receiver]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, list[Channel]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, Event] = field(default_factory=dict)
    performers: dict[str, Performer] = field(default_factory=dict)
    slots: dict[tuple[int, int, int | None], Assignment] = field(default_factory=dict)

    @classmethod
    def read(cls, venue: Venue) -> _Venue:
        known = cls()
        receivers = {r.pk: r for r in Receiver.objects.filter(venue=venue)}
        for receiver in receivers.values():
            known.receivers[receiver.name.casefold()].append(receiver)
        for channel in Channel.objects.filter(receiver__venue=venue).exclude(name=""):
            channel.receiver = receivers[channel.receiver_id]
            known.channels[channel.name.strip().casefold()].append(channel)
        known.events = {e.name.casefold(): e for e in Event.objects.filter(venue=venue)}
        known.performers = {p.name.casefold(): p for p in Performer.objects.filter(venue=venue)}
        for row in Assignment.objects.filter(venue=venue).select_related("performer"):
            known.slots[(row.receiver_id, row.channel_number, row.event_id)] = row
        return known


def _cell(record: Mapping[str | None, object], column: str) -> str:
    value = record.get(column)
    text = value.strip() if isinstance(value, str) else ""
    # An export protects formulas with an apostrophe; reading it back takes that off.
    if text[:1] == "'" and text[1:2] in _FORMULA_PREFIXES:
        text = text[1:]
    return text


def _decoded(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            "the file is too large", details={"file": f"at most {MAX_FILE_BYTES} bytes"}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "the file is not UTF-8 text",
            details={"file": f"byte {error.start} is not UTF-8; save the CSV as UTF-8"},
        ) from None


def _header(reader: csv.DictReader[str]) -> list[str]:
    try:
        names = [name.strip().casefold() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise ValidationError("unreadable CSV", details={"file": str(error)}) from None
    if not names:
        raise ValidationError("the file is empty", details={"file": "no header row"})
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ValidationError(
            "unknown columns",
            details={"columns": f"unknown: {', '.join(unknown)}; known: {', '.join(COLUMNS)}"},
        )
    if len(set(names)) != len(names):
        raise ValidationError("a column appears twice", details={"columns": ", ".join(names)})
    if "performer" not in names:
        raise ValidationError("no performer column", details={"columns": "performer is required"})
    if not ({"receiver", "channel"} <= set(names) or "channel_name" in names):
        raise ValidationError(
            "no channel columns",
            details={"columns": "give receiver and channel, or channel_name"},
        )
    reader.fieldnames = names
    return names


def _records(text: str) -> Iterable[tuple[int, dict[str | None, object]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    _header(reader)
    count = 0
    while True:
        read = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(
                "unreadable CSV", details={"file": f"from line {read + 1}: {error}"}
            ) from None
        count += 1
        if count > MAX_ROWS:
            raise ValidationError("too many rows", details={"file": f"at most {MAX_ROWS} rows"})
        if any(isinstance(v, str) and v.strip() for v in record.values() if v is not None) or (
            record.get(None)
        ):
            yield reader.line_num, dict(record)


def _named_channel(known: _Venue, channel_name: str) -> tuple[Receiver, int]:
    found = known.channels.get(channel_name.casefold(), [])
    if not found:
        raise RowRejectedError(
            f"no channel is named {channel_name!r} (a channel's name is known once its "
            "receiver has been polled)"
        )
    if len(found) > 1:
        places = ", ".join(f"{c.receiver.name} ch{c.number}" for c in found)
        raise RowRejectedError(f"{len(found)} channels are named {channel_name!r}: {places}")
    return found[0].receiver, found[0].number


def _channel(known: _Venue, record: Mapping[str | None, object]) -> tuple[Receiver, int]:
    receiver_name, number_text = _cell(record, "receiver"), _cell(record, "channel")
    channel_name = _cell(record, "channel_name")
    if channel_name and (receiver_name or number_text):
        raise RowRejectedError(
            "give the channel either as receiver and channel or as channel_name, not both"
        )
    if channel_name:
        return _named_channel(known, channel_name)
    if not receiver_name and not number_text:
        raise RowRejectedError("no channel: give receiver and channel, or channel_name")
    if not receiver_name or not number_text:
        raise RowRejectedError("receiver and channel go together: one of them is blank")
    receivers = known.receivers.get(receiver_name.casefold(), [])
    if not receivers:
        raise RowRejectedError(f"no receiver is named {receiver_name!r}")
    if len(receivers) > 1:
        raise RowRejectedError(f"{len(receivers)} receivers are named {receiver_name!r}")
    receiver = receivers[0]
    if not number_text.isdigit() or not number_text.isascii():
        raise RowRejectedError(f"channel {number_text!r} is not a channel number")
    number = int(number_text)
    if not 1 <= number <= receiver.channel_count:
        raise RowRejectedError(
            f"{receiver.name} has channels 1-{receiver.channel_count}, not {number}"
        )
    return receiver, number


def _photo(
    known: _Venue,
    name: str,
    photo: str,
    photos: Mapping[str, bytes],
    limits: PhotoLimits,
) -> PhotoRenditions | None:
    if not photo:
        return None
    try:
        photo = photo_file_name(photo)
    except MicboardError as error:
        raise RowRejectedError(f"photo: {error.details.get('photo', error.message)}") from None
    if photo in photos:
        try:
            return photo_prepare(data=photos[photo], limits=limits)
        except MicboardError as error:
            problem = error.details.get("photo", error.message)
            raise RowRejectedError(f"photo {photo!r}: {problem}") from None
    existing = known.performers.get(name.casefold())
    if existing is not None and existing.photo_source == photo and existing.photo_tile.name:
        return None
    raise RowRejectedError(f"photo {photo!r} was not sent with the file")


def _row(
    known: _Venue,
    line: int,
    record: Mapping[str | None, object],
    photos: Mapping[str, bytes],
    limits: PhotoLimits,
) -> _Row:
    if record.get(None):
        raise RowRejectedError("more cells than the header has columns")
    for column in COLUMNS:
        if len(_cell(record, column)) > MAX_FIELD_LENGTH:
            raise RowRejectedError(f"{column}: at most {MAX_FIELD_LENGTH} characters")
    name, part = _cell(record, "performer"), _cell(record, "part")
    for column, value, required in (("performer", name, True), ("part", part, False)):
        if problem := text_field_problem(value, required=required, max_length=MAX_NAME_LENGTH):
            raise RowRejectedError(f"{column}: {problem}")
    receiver, number = _channel(known, record)
    event = None
    if event_name := _cell(record, "event"):
        event = known.events.get(event_name.casefold())
        if event is None:
            raise RowRejectedError(f"no event is named {event_name!r}")
    photo = _cell(record, "photo")
    renditions = _photo(known, name, photo, photos, limits)
    return _Row(line, name, part, receiver, number, event, photo, renditions)


@dataclass(slots=True)
class _Seen:
    """The accepted rows so far, by channel slot and by performer."""

    slots: dict[tuple[int, int, int | None], int] = field(default_factory=dict)
    performers: dict[str, _Row] = field(default_factory=dict)

    def check(self, row: _Row) -> None:
        """Two rows may not put two performers on one channel, nor give one performer two
        parts or two photos."""
        slot = (row.receiver.pk, row.number, row.event.pk if row.event else None)
        if slot in self.slots:
            label = slot_label(row.receiver, row.number, row.event)
            raise RowRejectedError(f"line {self.slots[slot]} already assigns {label}")
        earlier = self.performers.get(row.name.casefold())
        if earlier is not None and earlier.part != row.part:
            raise RowRejectedError(
                f"line {earlier.line} gives {row.name} the part {earlier.part!r}, "
                f"this row {row.part!r}"
            )
        if earlier is not None and earlier.photo != row.photo:
            raise RowRejectedError(
                f"line {earlier.line} gives {row.name} the photo {earlier.photo!r}, "
                f"this row {row.photo!r}"
            )
        self.slots[slot] = row.line
        self.performers.setdefault(row.name.casefold(), row)


def _plan(rows: list[_Row], known: _Venue) -> tuple[list[ImportChange], int]:
    changes: list[ImportChange] = []
    unchanged = 0
    seen: set[str] = set()
    for row in rows:
        key = row.name.casefold()
        performer = known.performers.get(key)
        name = performer.name if performer else row.name
        if key not in seen:
            seen.add(key)
            if performer is None:
                part = f" ({row.part})" if row.part else ""
                changes.append(ImportChange(row.line, f"create performer {row.name}{part}"))
            elif performer.part != row.part:
                changes.append(
                    ImportChange(row.line, f"part of {name}: {performer.part!r} -> {row.part!r}")
                )
            if row.renditions is not None:
                changes.append(ImportChange(row.line, f"photo of {name} from {row.photo}"))
        label = slot_label(row.receiver, row.number, row.event)
        held = known.slots.get((row.receiver.pk, row.number, row.event.pk if row.event else None))
        if held is None:
            changes.append(ImportChange(row.line, f"assign {name} to {label}"))
        elif held.performer.name.casefold() != key:
            changes.append(
                ImportChange(row.line, f"assign {name} to {label}, replacing {held.performer.name}")
            )
        else:
            unchanged += 1
    return changes, unchanged


def _apply(
    venue: Venue, rows: list[_Row], known: _Venue, storage: Storage | None, stored: list[str]
) -> None:
    """Write the rows; the names of the photo files written are added to ``stored``."""
    performers: dict[str, Performer] = {}
    for row in rows:
        key = row.name.casefold()
        performer = performers.get(key) or known.performers.get(key)
        if performer is None:
            performer = Performer.objects.create(venue=venue, name=row.name, part=row.part)
        elif key not in performers and performer.part != row.part:
            performer.part = row.part
            performer.save(update_fields=["part"])
        if key not in performers and row.renditions is not None:
            photo_store(
                performer=performer, renditions=row.renditions, source=row.photo, storage=storage
            )
            stored.extend([performer.photo.name or "", performer.photo_tile.name or ""])
        performers[key] = performer
        slot = (row.receiver.pk, row.number, row.event.pk if row.event else None)
        held = known.slots.get(slot)
        if held is None:
            Assignment.objects.create(
                venue=venue,
                performer=performer,
                receiver=row.receiver,
                channel_number=row.number,
                event=row.event,
            )
        elif held.performer_id != performer.pk:
            held.performer = performer
            held.save(update_fields=["performer", "updated_at"])


def assignments_import(
    *,
    venue: Venue,
    data: bytes,
    photos: Mapping[str, bytes],
    dry_run: bool,
    limits: PhotoLimits,
    storage: Storage | None = None,
) -> ImportReport:
    """Check the CSV ``data`` against ``venue`` and, unless ``dry_run`` or a row is rejected,
    apply it in one transaction. A file that cannot be read at all raises
    ``ValidationError``; a rejected row does not, it is in the report."""
    text = _decoded(data)
    with transaction.atomic():
        known = _Venue.read(venue)
        accepted: list[_Row] = []
        rejected: list[RejectedRow] = []
        seen = _Seen()
        count = 0
        for line, record in _records(text):
            count += 1
            try:
                row = _row(known, line, record, photos, limits)
                seen.check(row)
            except RowRejectedError as problem:
                rejected.append(RejectedRow(line, problem.reason))
                continue
            accepted.append(row)
        changes, unchanged = _plan(accepted, known)
        apply = not dry_run and not rejected
        if apply:
            stored: list[str] = []
            try:
                with transaction.atomic():
                    _apply(venue, accepted, known, storage, stored)
            except BaseException as error:
                # Nothing of the file is kept: not the rows, nor the photos already stored.
                for name in filter(None, stored):
                    (storage or default_storage).delete(name)
                if isinstance(error, IntegrityError):
                    raise ConflictError(
                        "the venue's assignments changed during the import; run it again"
                    ) from None
                raise
    report = ImportReport(apply, count, tuple(changes), unchanged, tuple(rejected))
    log.info(
        "assignments_imported" if apply else "assignments_import_checked",
        venue=venue.slug,
        rows=count,
        changes=len(changes),
        rejected=len(rejected),
        dry_run=dry_run,
    )
    return report
