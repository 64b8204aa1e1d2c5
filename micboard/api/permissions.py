"""The API's one permission: the caller's venue role must allow the action's capability.

Every viewset declares ``capabilities`` (action name to :class:`Capability`) and
``venue_path`` (how its model reaches its venue). An action missing from
``capabilities`` is refused, so a new endpoint without a rule serves nobody. Querysets are
narrowed to the venues the caller may view, so another venue's objects are 404s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import Model
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from micboard.models import ApiToken
from micboard.selectors.access import (
    INSTALLATION_WIDE,
    Capability,
    VenueAccess,
    venue_access,
    venue_id_of,
)
from micboard.services.audit import Actor

if TYPE_CHECKING:  # rest_framework.views loads this module: no import of it at run time
    from rest_framework.views import APIView


def request_access(request: Request) -> VenueAccess:
    """The caller's roles; a read-only API token caps them at viewer."""
    read_only = isinstance(request.auth, ApiToken) and request.auth.read_only
    return venue_access(user=request.user, read_only=read_only)


def request_actor(request: Request) -> Actor:
    return Actor.of_user(request.user, address=request.META.get("REMOTE_ADDR", ""))


def denied_message(capability: Capability) -> str:
    return f"Your role in this venue does not allow {capability.value.replace('_', ' ')}."


class HasVenueRole(BasePermission):
    """Authenticated, with a rule for the action, and a role allowing it on the object."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        capability = _capability(view)
        if capability is None:
            return False
        # An object's installation-wide action waits for the object: hidden is a 404 first.
        if capability in INSTALLATION_WIDE and not getattr(view, "detail", False):
            allowed = request_access(request).may(None, capability)
            if not allowed:
                self.message = denied_message(capability)
            return allowed
        return True

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        capability = _capability(view)
        if capability is None:
            return False
        if capability in INSTALLATION_WIDE:
            return request_access(request).may(None, capability)
        path = getattr(view, "venue_path", "")
        allowed = request_access(request).may(venue_id_of(obj, path), capability)
        if not allowed:
            self.message = denied_message(capability)
        return allowed


def _capability(view: APIView) -> Capability | None:
    rules: Mapping[str, Capability] = getattr(view, "capabilities", {})
    action = getattr(view, "action", None)
    return rules.get(action) if action else None
