"""API v1 for performers (and photos), events and assignments (swap, CSV import, export).

Thin: reads through selectors, writes through services; every access decision is a venue
role's, asked of ``micboard.selectors.access`` through :class:`VenueScoped`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpResponse
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from micboard.api import performer_docs as docs
from micboard.api.fields import ID_PATTERN
from micboard.api.performer_serializers import (
    AssignmentFilterSerializer,
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    EventCreateSerializer,
    EventFilterSerializer,
    EventSerializer,
    EventUpdateSerializer,
    ExportFilterSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    PerformerCreateSerializer,
    PerformerFilterSerializer,
    PerformerSerializer,
    PerformerUpdateSerializer,
    PhotoUploadSerializer,
    SwapSerializer,
)
from micboard.api.permissions import request_access
from micboard.api.records import VenueRecords, changed
from micboard.api.request_data import query, validated
from micboard.api.scoping import VenueScoped, read_by_viewers
from micboard.composition import photo_limits
from micboard.exceptions import ValidationError
from micboard.models import Assignment, Event, Performer, Venue
from micboard.selectors import listings
from micboard.selectors import performers as selected
from micboard.selectors.access import Capability
from micboard.services import performers as service
from micboard.services.assignment_csv import MAX_FILE_BYTES
from micboard.services.assignment_import import ImportReport, assignments_import


def _read(upload: UploadedFile[Any], limit: int) -> bytes:
    """At most one byte past ``limit``: enough for the service to refuse a larger file."""
    return bytes(upload.read(limit + 1))


_MULTIPART = [parsers.MultiPartParser]


class UploadedPhotos(Mapping[str, bytes]):
    """Uploaded photo files by name, each read only when the CSV names it."""

    def __init__(self, uploads: list[UploadedFile[Any]], *, limit: int) -> None:
        self._uploads = {upload.name or "": upload for upload in uploads}
        self._limit = limit

    def __getitem__(self, name: str) -> bytes:
        upload = self._uploads[name]
        upload.seek(0)
        return _read(upload, self._limit)

    def __iter__(self) -> Iterator[str]:
        return iter(self._uploads)

    def __len__(self) -> int:
        return len(self._uploads)


# --- performers ---------------------------------------------------------------------------

_EDITED_BY_PERFORMER_EDITORS = read_by_viewers(Capability.EDIT_PERFORMERS)


def _performer_input(values: dict[str, Any]) -> service.PerformerInput:
    return service.PerformerInput(
        name=values["name"], part=values.get("part", ""), notes=values.get("notes", "")
    )


@docs.PERFORMERS
class PerformerViewSet(VenueRecords[Performer]):
    """Performers: who wears the transmitters of a venue, with their part and photo."""

    queryset = Performer.objects.none()
    serializer_class = PerformerSerializer
    filter_serializer = PerformerFilterSerializer
    create_serializer = PerformerCreateSerializer
    update_serializer = PerformerUpdateSerializer
    capabilities = {**_EDITED_BY_PERFORMER_EDITORS, "photo": Capability.EDIT_PERFORMERS}

    def records(self, *, venue_slug: str = "") -> QuerySet[Performer]:
        return selected.performer_list(venue_slug=venue_slug)

    def record_add(self, venue: Venue, values: dict[str, Any]) -> Performer:
        return service.performer_create(venue=venue, data=_performer_input(values))

    def record_values(self, record: Performer) -> dict[str, Any]:
        return {"name": record.name, "part": record.part, "notes": record.notes}

    def record_replace(self, record: Performer, values: dict[str, Any]) -> Performer:
        return service.performer_update(performer=record, data=_performer_input(values))

    def perform_destroy(self, instance: Performer) -> None:
        service.performer_delete(performer=instance)

    @docs.PERFORMER_PHOTO_SET
    @docs.PERFORMER_PHOTO_CLEAR
    @action(
        detail=True,
        methods=["post", "delete"],
        parser_classes=_MULTIPART,
    )
    def photo(self, request: Request, pk: str) -> Response:
        performer = self.get_object()
        if request.method == "DELETE":
            service.performer_photo_clear(performer=performer)
            return Response(status=status.HTTP_204_NO_CONTENT)
        upload = validated(PhotoUploadSerializer, request.data)["photo"]
        limits = photo_limits()
        updated = service.performer_photo_set(
            performer=performer,
            data=_read(upload, limits.max_bytes),
            filename=upload.name or "",
            limits=limits,
        )
        return Response(PerformerSerializer(updated).data)


# --- events -------------------------------------------------------------------------------


def _event_input(values: dict[str, Any]) -> service.EventInput:
    return service.EventInput(
        name=values["name"], starts_at=values["starts_at"], ends_at=values["ends_at"]
    )


@docs.EVENTS
class EventViewSet(VenueRecords[Event]):
    """Events: named, timed sessions whose assignments win over the standing ones."""

    queryset = Event.objects.none()
    serializer_class = EventSerializer
    filter_serializer = EventFilterSerializer
    create_serializer = EventCreateSerializer
    update_serializer = EventUpdateSerializer
    capabilities = _EDITED_BY_PERFORMER_EDITORS

    def records(self, *, venue_slug: str = "") -> QuerySet[Event]:
        return selected.event_list(venue_slug=venue_slug)

    def record_add(self, venue: Venue, values: dict[str, Any]) -> Event:
        return service.event_create(venue=venue, data=_event_input(values))

    def record_values(self, record: Event) -> dict[str, Any]:
        return {"name": record.name, "starts_at": record.starts_at, "ends_at": record.ends_at}

    def record_replace(self, record: Event, values: dict[str, Any]) -> Event:
        return service.event_update(event=record, data=_event_input(values))

    def perform_destroy(self, instance: Event) -> None:
        service.event_delete(event=instance)


# --- assignments --------------------------------------------------------------------------


def _assignment_input(values: dict[str, Any]) -> service.AssignmentInput:
    return service.AssignmentInput(
        performer=values["performer"],
        receiver=values["receiver"],
        channel_number=values["channel_number"],
        event=values.get("event"),
    )


def _report(report: ImportReport) -> dict[str, Any]:
    return dict(ImportReportSerializer(report).data)


@docs.ASSIGNMENTS
class AssignmentViewSet(VenueScoped[Assignment], viewsets.ModelViewSet[Assignment]):
    """Assignments: a performer on a channel, standing or for one event."""

    queryset = Assignment.objects.none()
    serializer_class = AssignmentSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    capabilities = {
        **_EDITED_BY_PERFORMER_EDITORS,
        "swap": Capability.SWAP_ASSIGNMENTS,
        "import_apply": Capability.EDIT_PERFORMERS,
        "import_check": Capability.VIEW,
        "export": Capability.VIEW,
    }

    def get_queryset(self) -> QuerySet[Assignment]:
        if self.action != "list":
            return self.visible(selected.assignment_list())
        filters = query(AssignmentFilterSerializer, self.request)
        return self.visible(
            selected.assignment_list(
                venue_slug=filters.get("venue", ""), performer_id=filters.get("performer")
            )
        )

    def _performer_allowed(self, performer: Performer) -> None:
        """A performer named in a body: another venue's reads as no such performer."""
        if not request_access(self.request).may(performer.venue_id, Capability.VIEW):
            raise serializers.ValidationError(
                {"performer": [f'Invalid pk "{performer.pk}" - object does not exist.']}
            )
        self.venue_allowed(performer.venue, Capability.EDIT_PERFORMERS)

    def _shown(self, assignment: Assignment) -> dict[str, Any]:
        return dict(AssignmentSerializer(selected.assignment_list().get(pk=assignment.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(AssignmentUpdateSerializer, request.data)
        self._performer_allowed(data["performer"])
        assignment = service.assignment_create(data=_assignment_input(data))
        return Response(self._shown(assignment), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        current = {
            "performer": assignment.performer,
            "receiver": assignment.receiver,
            "channel_number": assignment.channel_number,
            "event": assignment.event,
        }
        values = changed(
            AssignmentUpdateSerializer, request, current, partial=bool(kwargs.get("partial"))
        )
        if values["performer"].pk != assignment.performer_id:
            self._performer_allowed(values["performer"])
        updated = service.assignment_update(assignment=assignment, data=_assignment_input(values))
        return Response(self._shown(updated))

    def perform_destroy(self, instance: Assignment) -> None:
        service.assignment_delete(assignment=instance)

    @docs.ASSIGNMENT_SWAP
    @action(detail=True, methods=["post"])
    def swap(self, request: Request, pk: str) -> Response:
        assignment = self.get_object()
        data = validated(SwapSerializer, request.data)
        result = service.assignment_swap(
            assignment=assignment, receiver=data["receiver"], channel_number=data["channel_number"]
        )
        shown = {
            "moved": self._shown(result.moved),
            "displaced": self._shown(result.displaced) if result.displaced else None,
        }
        return Response(shown)

    def _import(self, request: Request, *, dry_run: bool) -> Response:
        upload = validated(ImportUploadSerializer, request.data)
        venue = listings.venue_by_slug(slug=upload["venue"])
        if venue is None or not request_access(request).may(venue.pk, Capability.VIEW):
            raise ValidationError("unknown venue", details={"venue": "no venue has this slug"})
        self.venue_allowed(venue, Capability.VIEW if dry_run else Capability.EDIT_PERFORMERS)
        limits = photo_limits()
        photos = UploadedPhotos(upload["photos"], limit=limits.max_bytes)
        report = assignments_import(
            venue=venue,
            data=_read(upload["file"], MAX_FILE_BYTES),
            photos=photos,
            dry_run=dry_run,
            limits=limits,
        )
        if report.rejected and not dry_run:
            raise ValidationError(
                f"{len(report.rejected)} rows rejected; nothing was imported",
                details=_report(report),
            )
        return Response(_report(report))

    @docs.ASSIGNMENT_IMPORT
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=_MULTIPART,
    )
    def import_apply(self, request: Request) -> Response:
        return self._import(request, dry_run=False)

    @docs.ASSIGNMENT_IMPORT_CHECK
    @action(
        detail=False,
        methods=["post"],
        url_path="import-check",
        parser_classes=_MULTIPART,
    )
    def import_check(self, request: Request) -> Response:
        return self._import(request, dry_run=True)

    @docs.ASSIGNMENT_EXPORT
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        slug = query(ExportFilterSerializer, request)["venue"]
        venue: Venue | None = listings.venue_by_slug(slug=slug)
        if venue is None or not request_access(request).may(venue.pk, Capability.VIEW):
            raise NotFound("No venue has this slug.")
        response = HttpResponse(
            selected.assignments_csv(venue=venue), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{venue.slug}-assignments.csv"'
        return response
