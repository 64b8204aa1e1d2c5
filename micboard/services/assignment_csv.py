"""Reading an assignments CSV: each row checked against the venue, or rejected with a reason.

The file is decoded and its header checked first; a file that cannot be read raises. The
venue's receivers, channels, events, performers and assignments are read once.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from micboard.exceptions import MicboardError, ValidationError
from micboard.models import Assignment, Channel, Event, Performer, Receiver, Venue
from micboard.selectors.performers import CSV_COLUMNS as COLUMNS
from micboard.services.performers import MAX_NAME_LENGTH, photo_file_name, text_field_problem
from micboard.services.photos import PhotoLimits, PhotoRenditions, photo_prepare

MAX_ROWS = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FIELD_LENGTH = 1000
_FORMULA_PREFIXES = ("=", "+", "-", "@")


class RowRejectedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class CsvRow:
    line: int
    name: str
    part: str
    receiver: Receiver
    number: int
    event: Event | None
    photo: str
    renditions: PhotoRenditions | None


@dataclass(slots=True)
class VenueRows:
    """The venue's rows the file is checked against, read once (a handful of queries)."""

    receivers: dict[str, list[Receiver]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, list[Channel]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, Event] = field(default_factory=dict)
    performers: dict[str, Performer] = field(default_factory=dict)
    prepared: dict[str, PhotoRenditions] = field(default_factory=dict)
    slots: dict[tuple[int, int, int | None], Assignment] = field(default_factory=dict)

    @classmethod
    def read(cls, venue: Venue) -> VenueRows:
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


def csv_text(data: bytes) -> str:
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


def csv_records(text: str) -> Iterable[tuple[int, dict[str | None, object]]]:
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


def _named_channel(known: VenueRows, channel_name: str) -> tuple[Receiver, int]:
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


def _channel(known: VenueRows, record: Mapping[str | None, object]) -> tuple[Receiver, int]:
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
    known: VenueRows,
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
    if photo in known.prepared:
        return known.prepared[photo]
    if photo in photos:
        try:
            known.prepared[photo] = photo_prepare(data=photos[photo], limits=limits)
            return known.prepared[photo]
        except MicboardError as error:
            problem = error.details.get("photo", error.message)
            raise RowRejectedError(f"photo {photo!r}: {problem}") from None
    existing = known.performers.get(name.casefold())
    if existing is not None and existing.photo_source == photo and existing.photo_tile.name:
        return None
    raise RowRejectedError(f"photo {photo!r} was not sent with the file")


def csv_row(
    known: VenueRows,
    line: int,
    record: Mapping[str | None, object],
    photos: Mapping[str, bytes],
    limits: PhotoLimits,
) -> CsvRow:
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
    return CsvRow(line, name, part, receiver, number, event, photo, renditions)
