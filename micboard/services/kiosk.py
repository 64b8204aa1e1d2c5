"""Kiosk links: read-only access to one wall for a screen that cannot log in (issue, revoke)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import structlog
from django.utils import timezone

from micboard.exceptions import ValidationError
from micboard.models import AuditAction, KioskLink, Venue
from micboard.selectors.kiosk import TOKEN_PREFIX, token_digest
from micboard.services.audit import SYSTEM, Actor, audit_record, audit_record_many

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class IssuedKioskLink:
    """A new link and its token; the token is not stored and cannot be shown again."""

    link: KioskLink
    token: str


def kiosk_link_create(
    *, venue: Venue | None, label: str, created_by: str, actor: Actor | None = None
) -> IssuedKioskLink:
    if not label.strip():
        raise ValidationError("a kiosk link needs a label", details={"label": "required"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    link = KioskLink.objects.create(
        venue=venue,
        label=label.strip()[:120],
        token_digest=token_digest(token),
        created_by=created_by[:150],
    )
    audit_record(
        actor=actor or Actor(created_by),
        action=AuditAction.KIOSK_CREATED,
        venue=venue,
        target=f"kiosk link {link.pk} {link.label}",
    )
    log.info("kiosk_link_created", kiosk_link_id=link.pk, created_by=created_by)
    return IssuedKioskLink(link, token)


def kiosk_links_revoke(*, link_ids: list[int], actor: Actor = SYSTEM) -> int:
    links = list(
        KioskLink.objects.filter(pk__in=link_ids, revoked_at__isnull=True).select_related("venue")
    )
    count = KioskLink.objects.filter(
        pk__in=[link.pk for link in links], revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit_record_many(
        actor=actor,
        action=AuditAction.KIOSK_REVOKED,
        entries=[(link.venue, f"kiosk link {link.pk} {link.label}", {}) for link in links],
    )
    log.info("kiosk_links_revoked", count=count)
    return count
