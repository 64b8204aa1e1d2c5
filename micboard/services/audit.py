"""The audit trail's one writer: services record what a caller did, faces never do."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from micboard.models import AuditAction, AuditEntry, Receiver, Venue


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a change: a username (or ``cli:<login>``, ``system``), their user id
    and the address the request came from, when there is one."""

    name: str
    user_id: int | None = None
    address: str = ""

    @classmethod
    def of_user(cls, user: Any, *, address: str = "") -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls("anonymous", None, address)
        return cls(str(user.get_username()), int(user.pk), address)


SYSTEM = Actor("system")


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    venue: Venue | None = None,
    target: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; its venue is kept by id and slug, so it outlives the venue."""
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor.name[:150],
        actor_user_id=actor.user_id,
        address=_address(actor.address),
        action=action,
        venue_id=venue.pk if venue else None,
        venue_slug=venue.slug if venue else "",
        target=target[:200],
        changes=changes or {},
    )


def audit_record_many(
    *, actor: Actor, action: AuditAction, entries: list[tuple[Venue | None, str, dict[str, Any]]]
) -> None:
    """Append one entry per ``(venue, target, changes)`` in one query."""
    now, address = timezone.now(), _address(actor.address)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                at=now,
                actor=actor.name[:150],
                actor_user_id=actor.user_id,
                address=address,
                action=action,
                venue_id=venue.pk if venue else None,
                venue_slug=venue.slug if venue else "",
                target=target[:200],
                changes=changes,
            )
            for venue, target, changes in entries
        ]
    )


def audit_resync(*, actor: Actor, receivers: list[Receiver], enqueued: list[int]) -> None:
    """One entry per venue: the receivers asked for and those a message was queued for."""
    by_venue: dict[int, list[Receiver]] = defaultdict(list)
    for receiver in receivers:
        by_venue[receiver.venue.pk].append(receiver)
    queued = set(enqueued)
    audit_record_many(
        actor=actor,
        action=AuditAction.RESYNC,
        entries=[
            (
                members[0].venue,
                f"{len(members)} receiver(s)",
                {
                    "receivers": [r.pk for r in members],
                    "enqueued": [r.pk for r in members if r.pk in queued],
                },
            )
            for members in by_venue.values()
        ],
    )


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{"field": {"old": ..., "new": ...}}`` for each field whose value differs."""
    return {
        name: {"old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_prune(*, now: datetime, retention: timedelta) -> int:
    """Delete entries older than ``retention``: the only deletion the trail allows."""
    count, _ = AuditEntry.objects.filter(at__lt=now - retention).delete()
    return count
