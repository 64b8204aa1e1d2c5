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

from collections.abc import Mapping
from dataclasses import dataclass, field

import structlog
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction

from micboard.exceptions import ConflictError
from micboard.models import Assignment, Performer, Venue
from micboard.services.assignment_csv import (
    CsvRow,
    RowRejectedError,
    VenueRows,
    csv_records,
    csv_row,
    csv_text,
)
from micboard.services.performers import photo_store, slot_label
from micboard.services.photos import PhotoLimits

log = structlog.get_logger(__name__)


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


@dataclass(slots=True)
class _Seen:
    """The accepted rows so far, by channel slot and by performer."""

    slots: dict[tuple[int, int, int | None], int] = field(default_factory=dict)
    performers: dict[str, CsvRow] = field(default_factory=dict)

    def check(self, row: CsvRow) -> None:
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


def _plan(rows: list[CsvRow], known: VenueRows) -> tuple[list[ImportChange], int]:
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
    venue: Venue, rows: list[CsvRow], known: VenueRows, storage: Storage | None, stored: list[str]
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
    text = csv_text(data)
    with transaction.atomic():
        known = VenueRows.read(venue)
        accepted: list[CsvRow] = []
        rejected: list[RejectedRow] = []
        seen = _Seen()
        count = 0
        for line, record in csv_records(text):
            count += 1
            try:
                row = csv_row(known, line, record, photos, limits)
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
