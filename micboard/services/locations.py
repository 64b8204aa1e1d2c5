"""LocationService: venues, each with its own Celery queue and dispatcher row."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from micboard.exceptions import ConflictError, NotFoundError, ValidationError
from micboard.models import AuditAction, Venue
from micboard.services.alerts.rules import rules_create_defaults
from micboard.services.audit import SYSTEM, Actor, audit_record, changed_values
from micboard.services.scheduling import ScheduleReport
from micboard.services.validation import validate_runtime_levels, validate_text


class DjangoLocationService:
    def __init__(self, *, queue_prefix: str, apply_schedules: Callable[[], ScheduleReport]) -> None:
        self._queue_prefix = queue_prefix
        self._apply_schedules = apply_schedules

    def _queue_for(self, slug: str) -> str:
        return f"{self._queue_prefix}{slug}"

    def venue_create(self, *, name: str, slug: str = "", actor: Actor = SYSTEM) -> Venue:
        slug = slugify(slug or name)
        if not name.strip() or not slug:
            raise ValidationError("a venue needs a name", details={"name": "required"})
        validate_text(name=name)
        try:
            with transaction.atomic():
                venue = Venue.objects.create(
                    name=name.strip(), slug=slug, queue_name=self._queue_for(slug)
                )
                rules_create_defaults(venue=venue)
                audit_record(
                    actor=actor,
                    action=AuditAction.VENUE_CREATED,
                    venue=venue,
                    target=f"venue {venue.slug}",
                    changes=changed_values({}, {"name": venue.name, "slug": venue.slug}),
                )
        except IntegrityError:
            raise ConflictError(f"venue {slug!r} already exists", details={"slug": slug}) from None
        self._apply_schedules()
        return venue

    def venue_get_or_create(self, *, name: str, slug: str) -> Venue:
        venue = Venue.objects.filter(slug=slug).first()
        return venue or self.venue_create(name=name, slug=slug)

    def venue_get(self, *, venue_id: int) -> Venue:
        venue = Venue.objects.filter(pk=venue_id).first()
        if venue is None:
            raise NotFoundError(f"venue {venue_id} does not exist")
        return venue

    def venue_update(
        self, *, venue: Venue, values: dict[str, object], actor: Actor = SYSTEM
    ) -> Venue:
        """Change the venue's settings (``values`` by field name; slug and queue are fixed)."""
        fixed = {"slug", "queue_name", "id", "pk"} & set(values)
        if fixed:
            raise ValidationError(
                "a venue's slug and queue are fixed once made",
                details={name: "read-only" for name in sorted(fixed)},
            )
        if "name" in values:
            validate_text(name=str(values["name"]))
        return _venue_save(venue=venue, values=values, actor=actor)

    def venue_delete(self, *, venue: Venue, actor: Actor = SYSTEM) -> None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.VENUE_REMOVED,
                venue=venue,
                target=f"venue {venue.slug}",
                changes=changed_values({"name": venue.name, "slug": venue.slug}, {}),
            )
            venue.delete()
        self._apply_schedules()


def venue_runtime_levels_set(
    *,
    venue: Venue,
    replace_minutes: int | None,
    critical_minutes: int | None,
    actor: Actor = SYSTEM,
) -> Venue:
    """Judge the venue's batteries by runtime (REPLACE and CRITICAL below these minutes left),
    or by bars again with both None. Channels take the new levels at their next poll."""
    validate_runtime_levels(replace_minutes=replace_minutes, critical_minutes=critical_minutes)
    values: dict[str, object] = {
        "battery_replace_minutes": replace_minutes,
        "battery_critical_minutes": critical_minutes,
    }
    return _venue_save(venue=venue, values=values, actor=actor, only=True)


def _venue_save(
    *, venue: Venue, values: dict[str, object], actor: Actor, only: bool = False
) -> Venue:
    """Set ``values`` and record the fields that changed, old and new, with the save
    (``only``: save just these fields)."""
    before = {name: getattr(venue, name) for name in values}
    for name, value in values.items():
        setattr(venue, name, value)
    changes = changed_values(before, values)
    with transaction.atomic():
        venue.save(update_fields=list(values) if only else None)
        if changes:
            audit_record(
                actor=actor,
                action=AuditAction.VENUE_CHANGED,
                venue=venue,
                target=f"venue {venue.slug}",
                changes=changes,
            )
    return venue
