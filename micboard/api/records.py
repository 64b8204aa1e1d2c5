"""The base of the API viewsets for a venue's own records, with the serializer helpers.

Performers and events read and write alike; the helpers validate a request's body or query.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from micboard.api.fields import ID_PATTERN
from micboard.api.request_data import SerializerClass, query, validated
from micboard.api.scoping import VenueScoped
from micboard.models import Venue
from micboard.selectors.access import Capability

M = TypeVar("M", bound=Model)


def changed(
    serializer_class: SerializerClass,
    request: Request,
    current: dict[str, Any],
    *,
    partial: bool,
) -> dict[str, Any]:
    """``current`` with the request's changes: all fields for a PUT, some for a PATCH."""
    return {**current, **validated(serializer_class, request.data, partial=partial)}


class VenueRecords(VenueScoped[M], viewsets.ModelViewSet[M]):
    """Performers and events alike: listed by venue, added to a venue named in the body,
    replaced or changed field by field, and deleted, each by its service."""

    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    filter_serializer: ClassVar[SerializerClass]
    create_serializer: ClassVar[SerializerClass]
    update_serializer: ClassVar[SerializerClass]

    @abstractmethod
    def records(self, *, venue_slug: str = "") -> QuerySet[M]:
        """Every venue's records, or one venue's."""

    @abstractmethod
    def record_add(self, venue: Venue, values: dict[str, Any]) -> M: ...

    @abstractmethod
    def record_values(self, record: M) -> dict[str, Any]:
        """The fields a replacement gives anew, as they are now."""

    @abstractmethod
    def record_replace(self, record: M, values: dict[str, Any]) -> M: ...

    def _shown(self, record: M) -> Any:
        return self.get_serializer_class()(record).data

    def get_queryset(self) -> QuerySet[M]:
        if self.action != "list":
            return self.visible(self.records())
        filters = query(self.filter_serializer, self.request)
        return self.visible(self.records(venue_slug=filters.get("venue", "")))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(self.create_serializer, request.data)
        venue = self.venue_allowed(data["venue"], Capability.EDIT_PERFORMERS)
        return Response(self._shown(self.record_add(venue, data)), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        values = changed(
            self.update_serializer,
            request,
            self.record_values(record),
            partial=bool(kwargs.get("partial")),
        )
        return Response(self._shown(self.record_replace(record, values)))
