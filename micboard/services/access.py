"""Venue roles and API tokens: grant, revoke, issue. Each change is on the audit trail."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import structlog
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from micboard.exceptions import NotFoundError, ValidationError
from micboard.models import ApiToken, AuditAction, Venue, VenueRole, VenueRoleGrant
from micboard.selectors.access import API_TOKEN_PREFIX, api_token_digest
from micboard.services.audit import Actor, audit_record

log = structlog.get_logger(__name__)


def _role(value: str) -> VenueRole:
    try:
        return VenueRole(value)
    except ValueError:
        known = ", ".join(VenueRole.values)
        raise ValidationError(
            f"unknown role {value!r}; one of {known}", details={"role": "invalid"}
        ) from None


def _holder(user: object | None, group: Group | None) -> dict[str, object]:
    if (user is None) == (group is None):
        raise ValidationError(
            "a role is granted to one user or one group", details={"holder": "one of user, group"}
        )
    return {"user": user} if user is not None else {"group": group}


@transaction.atomic
def role_grant(
    *,
    venue: Venue,
    role: str,
    actor: Actor,
    user: object | None = None,
    group: Group | None = None,
) -> VenueRoleGrant:
    """Give ``user`` or ``group`` ``role`` in ``venue``, replacing the one they held there."""
    wanted = _role(role)
    holder = _holder(user, group)
    grant = VenueRoleGrant.objects.filter(venue=venue, **holder).first()
    before = grant.role if grant else None
    if grant is None:
        grant = VenueRoleGrant.objects.create(
            venue=venue, role=wanted, granted_by=actor.name[:150], **holder
        )
    elif grant.role != wanted:
        grant.role, grant.granted_by = wanted, actor.name[:150]
        grant.save(update_fields=["role", "granted_by"])
    if before != wanted:
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_GRANTED,
            venue=venue,
            target=grant.holder_name,
            changes={"role": {"old": before, "new": str(wanted)}},
        )
        log.info("venue_role_granted", venue=venue.slug, holder=grant.holder_name, role=wanted)
    return grant


@transaction.atomic
def role_revoke(
    *, venue: Venue, actor: Actor, user: object | None = None, group: Group | None = None
) -> VenueRole:
    """Take away the role ``user`` or ``group`` holds in ``venue``; returns it."""
    holder = _holder(user, group)
    grant = VenueRoleGrant.objects.select_related("user", "group").filter(venue=venue, **holder)
    found = grant.first()
    if found is None:
        raise NotFoundError("no role to revoke in that venue", details={"venue": venue.slug})
    found.delete()
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKED,
        venue=venue,
        target=found.holder_name,
        changes={"role": {"old": found.role, "new": None}},
    )
    log.info("venue_role_revoked", venue=venue.slug, holder=found.holder_name)
    return VenueRole(found.role)


@dataclass(frozen=True, slots=True)
class IssuedApiToken:
    """A new token and its key; the key is not stored and cannot be shown again."""

    token: ApiToken
    key: str


def api_token_create(*, user: User, label: str, read_only: bool, actor: Actor) -> IssuedApiToken:
    if not label.strip():
        raise ValidationError("an API token needs a label", details={"label": "required"})
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label.strip()[:120],
        read_only=read_only,
        key_digest=api_token_digest(key),
        key_prefix=key[:12],
        created_by=actor.name[:150],
    )
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_CREATED,
        target=f"{token.user.get_username()}: {token}",
        changes={"read_only": read_only},
    )
    return IssuedApiToken(token, key)


def api_tokens_revoke(*, token_ids: list[int], actor: Actor) -> int:
    tokens = list(
        ApiToken.objects.select_related("user").filter(pk__in=token_ids, revoked_at__isnull=True)
    )
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
    for token in tokens:
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_REVOKED,
            target=f"{token.user.get_username()}: {token}",
        )
    return len(tokens)


def api_token_touch(*, token: ApiToken) -> None:
    """Note a token's use, at most once a minute, so a busy script costs no write per call."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
