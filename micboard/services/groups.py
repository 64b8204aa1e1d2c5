"""Channel groups of a venue: saved, ordered selections of channels shown by a number key."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from django.db import IntegrityError, transaction

from micboard.exceptions import ConflictError, ValidationError
from micboard.models import AuditAction, Channel, ChannelGroup, ChannelGroupMember, Venue
from micboard.models.groups import MAX_GROUP_NUMBER
from micboard.services.audit import SYSTEM, Actor, audit_record
from micboard.services.validation import text_problem

log = structlog.get_logger(__name__)

MAX_TITLE_LENGTH = 60


@dataclass(frozen=True, slots=True)
class GroupInput:
    number: int
    title: str
    channel_ids: tuple[int, ...] = ()


def group_validate(*, venue: Venue, data: GroupInput) -> dict[str, object]:
    """The group's fields; raises ``ValidationError`` with per-field details."""
    errors: dict[str, object] = {}
    if not 0 <= data.number <= MAX_GROUP_NUMBER:
        errors["number"] = f"{data.number} is not a group key (0-{MAX_GROUP_NUMBER})"
    title = data.title.strip()
    if not title or len(title) > MAX_TITLE_LENGTH:
        errors["title"] = f"a title needs 1-{MAX_TITLE_LENGTH} characters"
    elif problem := text_problem(title):
        errors["title"] = problem
    if len(set(data.channel_ids)) != len(data.channel_ids):
        errors["channels"] = "a channel appears more than once"
    else:
        known = set(
            Channel.objects.filter(pk__in=data.channel_ids, receiver__venue=venue).values_list(
                "pk", flat=True
            )
        )
        foreign = [pk for pk in data.channel_ids if pk not in known]
        if foreign:
            errors["channels"] = f"not channels of venue {venue.slug!r}: {foreign}"
    if errors:
        raise ValidationError("invalid channel group", details=errors)
    return {"number": data.number, "title": title}


def _save(group: ChannelGroup, channel_ids: tuple[int, ...], actor: Actor) -> None:
    try:
        with transaction.atomic():
            group.save()
            audit_record(
                actor=actor,
                action=AuditAction.GROUP_CHANGED,
                venue=group.venue,
                target=f"group {group.number} {group.title}",
                changes={"title": group.title, "channels": list(channel_ids)},
            )
            ChannelGroupMember.objects.filter(group=group).delete()
            ChannelGroupMember.objects.bulk_create(
                ChannelGroupMember(group=group, channel_id=pk, position=position)
                for position, pk in enumerate(channel_ids)
            )
    except IntegrityError:
        raise ConflictError(
            f"group {group.number} already exists in the venue", details={"number": group.number}
        ) from None


def group_create(*, venue: Venue, data: GroupInput, actor: Actor = SYSTEM) -> ChannelGroup:
    group = ChannelGroup(venue=venue, **group_validate(venue=venue, data=data))
    _save(group, data.channel_ids, actor)
    log.info("channel_group_created", venue=venue.slug, number=group.number)
    return group


def group_update(*, group: ChannelGroup, data: GroupInput, actor: Actor = SYSTEM) -> ChannelGroup:
    fields = group_validate(venue=group.venue, data=data)
    for name, value in fields.items():
        setattr(group, name, value)
    _save(group, data.channel_ids, actor)
    return group


def group_delete(*, group: ChannelGroup, actor: Actor = SYSTEM) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.GROUP_REMOVED,
            venue=group.venue,
            target=f"group {group.number} {group.title}",
        )
        group.delete()
