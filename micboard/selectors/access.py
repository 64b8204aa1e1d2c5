"""What a user may do on a venue: the one place every face asks.

``venue_access(user=...)`` reads the user's venue roles (their own and their groups') once
and answers ``may(venue_id, capability)``, ``venue_ids(capability)`` and ``scope(queryset,
path, capability)``. The API, the admin, the wall, the resync command and every service
entry that checks a caller go through it, so a rule changes here or nowhere.

A venue the user holds no role in does not exist for them: faces answer 404, not 403.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Model, Q, QuerySet

from micboard.models import ROLE_ORDER, ApiToken, VenueRole, VenueRoleGrant

M = TypeVar("M", bound=Model)


class Capability(StrEnum):
    """Something done on a venue; each needs at least one role (``REQUIRED_ROLE``)."""

    VIEW = "view"  # the wall, reads in the API and the admin
    RESYNC = "resync"
    HANDLE_ALERTS = "handle_alerts"  # acknowledge and resolve
    EDIT_CHANNELS = "edit_channels"  # channel names and channel groups
    MANAGE_KIOSK = "manage_kiosk"  # make and revoke kiosk links
    EDIT_RECEIVERS = "edit_receivers"  # add, edit, remove, switch polling
    EDIT_VENUE = "edit_venue"  # venue settings, alert rules, watched hours, contacts
    SWAP_ASSIGNMENTS = "swap_assignments"  # exchange two performers' channels
    EDIT_PERFORMERS = "edit_performers"  # performers, photos, events, assignments, imports
    VIEW_CONTACTS = "view_contacts"  # contacts and the outbox hold people's addresses
    GRANT_ROLES = "grant_roles"
    VIEW_AUDIT = "view_audit"
    CREATE_VENUE = "create_venue"  # installation-wide: superusers only
    REMOVE_VENUE = "remove_venue"  # installation-wide: superusers only


REQUIRED_ROLE: dict[Capability, VenueRole] = {
    Capability.VIEW: VenueRole.VIEWER,
    Capability.RESYNC: VenueRole.OPERATOR,
    Capability.HANDLE_ALERTS: VenueRole.OPERATOR,
    Capability.EDIT_CHANNELS: VenueRole.OPERATOR,
    Capability.MANAGE_KIOSK: VenueRole.OPERATOR,
    Capability.EDIT_RECEIVERS: VenueRole.VENUE_ADMIN,
    Capability.EDIT_VENUE: VenueRole.VENUE_ADMIN,
    Capability.SWAP_ASSIGNMENTS: VenueRole.OPERATOR,
    Capability.EDIT_PERFORMERS: VenueRole.VENUE_ADMIN,
    Capability.VIEW_CONTACTS: VenueRole.VENUE_ADMIN,
    Capability.GRANT_ROLES: VenueRole.VENUE_ADMIN,
    Capability.VIEW_AUDIT: VenueRole.VENUE_ADMIN,
    Capability.CREATE_VENUE: VenueRole.VENUE_ADMIN,
    Capability.REMOVE_VENUE: VenueRole.VENUE_ADMIN,
}

INSTALLATION_WIDE = frozenset({Capability.CREATE_VENUE, Capability.REMOVE_VENUE})
"""Capabilities no venue role carries: making and removing venues (and their queues)."""

_CACHE_ATTRIBUTE = "_micboard_venue_access"


def _rank(role: str) -> int:
    return ROLE_ORDER.index(VenueRole(role))


@dataclass(frozen=True, slots=True)
class VenueAccess:
    """A caller's roles: everything for a superuser, else a role per venue id.

    ``ceiling`` caps every role (a read-only API token acts as a viewer at most)."""

    superuser: bool = False
    roles: dict[int, VenueRole] = field(default_factory=dict)
    ceiling: VenueRole = VenueRole.VENUE_ADMIN

    @property
    def authenticated(self) -> bool:
        return self.superuser or bool(self.roles)

    def role_in(self, venue_id: int | None) -> VenueRole | None:
        """The role held in ``venue_id`` (after the ceiling), None for no role."""
        if self.superuser:
            return self.ceiling
        role = self.roles.get(venue_id) if venue_id is not None else None
        if role is None:
            return None
        return role if role.rank <= self.ceiling.rank else self.ceiling

    def may(self, venue_id: int | None, capability: Capability) -> bool:
        """Whether ``capability`` is allowed on ``venue_id``; ``None`` is installation-wide
        (creating venues, the all-venues kiosk link): a superuser's alone."""
        if venue_id is None or capability in INSTALLATION_WIDE:
            return self.superuser and REQUIRED_ROLE[capability].rank <= self.ceiling.rank
        role = self.role_in(venue_id)
        return role is not None and REQUIRED_ROLE[capability].rank <= role.rank

    def venue_ids(self, capability: Capability = Capability.VIEW) -> frozenset[int] | None:
        """The venues ``capability`` is allowed on; None means every venue (a superuser)."""
        if self.superuser:
            return None if REQUIRED_ROLE[capability].rank <= self.ceiling.rank else frozenset()
        if capability in INSTALLATION_WIDE:
            return frozenset()
        return frozenset(venue for venue in self.roles if self.may(venue, capability))

    def scope(
        self, queryset: QuerySet[M], path: str, capability: Capability = Capability.VIEW
    ) -> QuerySet[M]:
        """``queryset`` narrowed to rows whose venue (reached by ``path``, e.g.
        ``receiver__venue``) allows ``capability``; ``path`` "" means the venue itself."""
        ids = self.venue_ids(capability)
        if ids is None:
            return queryset
        lookup = f"{path}_id__in" if path else "pk__in"
        return queryset.filter(**{lookup: sorted(ids)})

    def read_only(self) -> VenueAccess:
        return VenueAccess(self.superuser, self.roles, VenueRole.VIEWER)


NO_ACCESS = VenueAccess()


def venue_access(
    *, user: AbstractBaseUser | AnonymousUser | Any, read_only: bool = False
) -> VenueAccess:
    """``user``'s roles, read with one query and kept on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if not isinstance(cached, VenueAccess):
        cached = _read_access(user)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached.read_only() if read_only else cached


def venue_access_forget(*, user: Any) -> None:
    """Drop the roles kept on ``user`` (after a grant or revoke in the same request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _read_access(user: Any) -> VenueAccess:
    if user.is_superuser:
        return VenueAccess(superuser=True)
    roles: dict[int, VenueRole] = {}
    rows = VenueRoleGrant.objects.filter(
        Q(user_id=user.pk) | Q(group__user__pk=user.pk)
    ).values_list("venue_id", "role")
    for venue_id, role in rows:
        held = roles.get(venue_id)
        if held is None or _rank(role) > held.rank:
            roles[venue_id] = VenueRole(role)
    return VenueAccess(roles=roles)


def venue_id_of(obj: Model, path: str) -> int | None:
    """The id of the venue ``obj`` belongs to along ``path`` ("" for a venue itself, e.g.
    ``receiver__venue`` for a channel); None when it belongs to no venue."""
    if not path:
        return int(obj.pk)
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop)
    venue_id = getattr(target, f"{last}_id")
    return None if venue_id is None else int(venue_id)


def venue_grants(*, venue_ids: frozenset[int] | None = None) -> QuerySet[VenueRoleGrant]:
    """Role grants, with their venue, user and group, of ``venue_ids`` (None: all)."""
    grants = VenueRoleGrant.objects.select_related("venue", "user", "group")
    return grants if venue_ids is None else grants.filter(venue_id__in=sorted(venue_ids))


API_TOKEN_PREFIX = "mbt_"  # noqa: S105 - marks an API key, not a secret


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The active token of ``key`` with its user, or None for an unknown or revoked one."""
    if not key.startswith(API_TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.filter(key_digest=api_token_digest(key), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


def user_by_name(*, username: str) -> Any | None:
    """The user called ``username``, or None."""
    return get_user_model().objects.filter(username=username).first()


def group_by_name(*, name: str) -> Group | None:
    return Group.objects.filter(name=name).first()


def api_tokens(*, user_id: int | None = None) -> QuerySet[ApiToken]:
    """API tokens, newest first, with their users (of ``user_id`` only, when given)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    return tokens if user_id is None else tokens.filter(user_id=user_id)
