"""The base of every API viewset whose objects belong to a venue.

A viewset declares ``capabilities`` (action name to :class:`Capability`; an action left
out is refused by :class:`~micboard.api.permissions.HasVenueRole`) and ``venue_path``
(how its model reaches its venue). Its querysets go through ``visible``, so another
venue's objects are 404s, and a venue named in a body through ``venue_allowed``. Its
class-level ``queryset`` is ``Model.objects.none()``: it names the model for the router and
the schema, and shows nothing to a path that would bypass ``get_queryset``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from micboard.api.permissions import denied_message, request_access
from micboard.models import Venue
from micboard.selectors.access import Capability

M = TypeVar("M", bound=Model)


def read_by_viewers(change: Capability) -> dict[str, Capability]:
    """A resource's actions: every role of its venue reads it, ``change`` adds, edits and
    deletes it."""
    return {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "create": change,
        "update": change,
        "partial_update": change,
        "destroy": change,
    }


class VenueScoped(viewsets.GenericViewSet[M]):
    """A viewset whose objects belong to a venue: its rules and its narrowed querysets."""

    capabilities: ClassVar[Mapping[str, Capability]]
    venue_path: ClassVar[str]
    read_capability: ClassVar[Capability] = Capability.VIEW

    def visible(self, queryset: QuerySet[M]) -> QuerySet[M]:
        return request_access(self.request).scope(queryset, self.venue_path, self.read_capability)

    def venue_allowed(self, venue: Venue, capability: Capability) -> Venue:
        """A venue named in a request body: unknown to the caller reads as no such venue
        (400, as a slug nobody uses); known but not allowed is a 403."""
        access = request_access(self.request)
        if not access.may(venue.pk, Capability.VIEW):
            raise serializers.ValidationError(
                {"venue": [f"Object with slug={venue.slug} does not exist."]}
            )
        if not access.may(venue.pk, capability):
            raise PermissionDenied(denied_message(capability))
        return venue
