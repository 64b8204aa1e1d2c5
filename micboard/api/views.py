"""API v1 views: thin. Reads go through selectors, writes and resyncs through services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from micboard.api import docs, request_data
from micboard.api.fields import ID_PATTERN
from micboard.api.pagination import PageNumberPagination
from micboard.api.permissions import request_actor
from micboard.api.scoping import VenueScoped
from micboard.api.serializers import (
    ChannelFilterSerializer,
    ChannelGroupCreateSerializer,
    ChannelGroupSerializer,
    ChannelGroupUpdateSerializer,
    ChannelSerializer,
    GroupFilterSerializer,
    ReceiverCreateSerializer,
    ReceiverFilterSerializer,
    ReceiverSerializer,
    ReceiverUpdateSerializer,
    ResyncReportSerializer,
    SampleFilterSerializer,
    TelemetrySampleSerializer,
    VenueChangeSerializer,
    VenueCreateSerializer,
    VenueSerializer,
)
from micboard.composition import device_service, location_service, sync_service
from micboard.models import Channel, ChannelGroup, Receiver, Venue
from micboard.selectors import listings
from micboard.selectors.access import Capability
from micboard.selectors.freshness import venue_liveness
from micboard.services.certificates import receiver_certificate_reset
from micboard.services.dto import ReceiverInput
from micboard.services.groups import GroupInput, group_create, group_delete, group_update
from micboard.services.locations import venue_runtime_levels_set


def _resync(request: Request, receiver_ids: list[int]) -> Response:
    report = sync_service().receivers_resync(
        receiver_ids=receiver_ids,
        requested_by=request.user.get_username(),
        actor=request_actor(request),
    )
    return Response(ResyncReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)


# --- venues ---------------------------------------------------------------------------------


@docs.VENUES
class VenueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    VenueScoped[Venue],
):
    """Venues: sites whose receivers share a network and a Celery queue."""

    queryset = Venue.objects.none()
    serializer_class = VenueSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    venue_path = ""
    capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "create": Capability.CREATE_VENUE,
        "destroy": Capability.REMOVE_VENUE,
        "partial_update": Capability.EDIT_VENUE,
        "resync": Capability.RESYNC,
    }

    def get_queryset(self) -> QuerySet[Venue]:
        return self.visible(listings.venue_list())

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action == "list":  # every venue's liveness at once: two queries, not 2 a venue
            context["liveness"] = {
                liveness.venue_id: liveness for liveness in venue_liveness(now=timezone.now())
            }
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request_data.validated(VenueCreateSerializer, request.data)
        venue = location_service().venue_create(
            name=data["name"], slug=data.get("slug", ""), actor=request_actor(request)
        )
        created = listings.venue_list().get(pk=venue.pk)
        return Response(VenueSerializer(created).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        venue = self.get_object()
        data = request_data.validated(VenueChangeSerializer, request.data, partial=True)
        venue_runtime_levels_set(
            venue=venue,
            replace_minutes=data.get("battery_replace_minutes", venue.battery_replace_minutes),
            critical_minutes=data.get("battery_critical_minutes", venue.battery_critical_minutes),
            actor=request_actor(request),
        )
        return Response(VenueSerializer(listings.venue_list().get(pk=venue.pk)).data)

    def perform_destroy(self, instance: Venue) -> None:
        location_service().venue_delete(venue=instance, actor=request_actor(self.request))

    @docs.VENUES_RESYNC
    @action(detail=True, methods=["post"])
    def resync(self, request: Request, slug: str) -> Response:
        venue = self.get_object()
        return _resync(request, listings.receiver_ids_of_venue(venue=venue))


# --- receivers ------------------------------------------------------------------------------


def _receiver_values(receiver: Receiver) -> dict[str, Any]:
    fields = ("name", "model", "host", "port", "protocol", "poll_interval", "enabled")
    return {name: getattr(receiver, name) for name in fields}


@docs.RECEIVERS
class ReceiverViewSet(VenueScoped[Receiver], viewsets.ModelViewSet[Receiver]):
    """Receivers: one network device each, polled by a worker at its venue."""

    queryset = Receiver.objects.none()
    serializer_class = ReceiverSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "create": Capability.EDIT_RECEIVERS,
        "update": Capability.EDIT_RECEIVERS,
        "partial_update": Capability.EDIT_RECEIVERS,
        "destroy": Capability.EDIT_RECEIVERS,
        "resync": Capability.RESYNC,
        "certificate_reset": Capability.EDIT_RECEIVERS,
    }

    def get_queryset(self) -> QuerySet[Receiver]:
        if self.action != "list":
            return self.visible(listings.receiver_list())
        filters = request_data.query(ReceiverFilterSerializer, self.request)
        return self.visible(
            listings.receiver_list(
                venue_slug=filters.get("venue", ""), status=filters.get("status", "")
            )
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request_data.validated(ReceiverCreateSerializer, request.data)
        receiver = device_service().receiver_register(
            venue=self.venue_allowed(data["venue"], Capability.EDIT_RECEIVERS),
            data=ReceiverInput.from_values(data),
            actor=request_actor(request),
        )
        return Response(ReceiverSerializer(receiver).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        receiver = self.get_object()
        partial = bool(kwargs.get("partial"))
        changes = request_data.validated(ReceiverUpdateSerializer, request.data, partial=partial)
        values = {**_receiver_values(receiver), **changes}
        updated = device_service().receiver_update(
            receiver=receiver, data=ReceiverInput.from_values(values), actor=request_actor(request)
        )
        return Response(ReceiverSerializer(updated).data)

    def perform_destroy(self, instance: Receiver) -> None:
        device_service().receiver_remove(receiver=instance, actor=request_actor(self.request))

    @docs.RECEIVERS_RESYNC
    @action(detail=True, methods=["post"])
    def resync(self, request: Request, pk: str) -> Response:
        return _resync(request, [self.get_object().pk])

    @docs.RECEIVERS_CERTIFICATE_RESET
    @action(detail=True, methods=["post"], url_path="certificate-reset")
    def certificate_reset(self, request: Request, pk: str) -> Response:
        receiver = receiver_certificate_reset(
            receiver=self.get_object(), actor=request_actor(request)
        )
        return Response(ReceiverSerializer(receiver).data)


# --- channels -------------------------------------------------------------------------------


@docs.CHANNELS
class ChannelViewSet(VenueScoped[Channel], viewsets.ReadOnlyModelViewSet[Channel]):
    """Channels: one transmitter each, with the values its receiver last reported."""

    queryset = Channel.objects.none()
    serializer_class = ChannelSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "receiver__venue"
    capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "samples": Capability.VIEW,
    }

    def get_queryset(self) -> QuerySet[Channel]:
        if self.action != "list":
            return self.visible(listings.channel_list())
        filters = request_data.query(ChannelFilterSerializer, self.request)
        return self.visible(
            listings.channel_list(
                venue_slug=filters.get("venue", ""),
                receiver_id=filters.get("receiver"),
                state=filters.get("state", ""),
            )
        )

    @docs.CHANNELS_SAMPLES
    @action(detail=True, methods=["get"])
    def samples(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        window = request_data.query(SampleFilterSerializer, request)
        samples = listings.channel_samples(
            channel=channel, since=window.get("since"), until=window.get("until")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(samples, request, view=self)
        return paginator.get_paginated_response(TelemetrySampleSerializer(page, many=True).data)


# --- channel groups -------------------------------------------------------------------------


def _group_input(values: dict[str, Any]) -> GroupInput:
    return GroupInput(
        number=values["number"], title=values["title"], channel_ids=tuple(values["channels"])
    )


@docs.GROUPS
class ChannelGroupViewSet(VenueScoped[ChannelGroup], viewsets.ModelViewSet[ChannelGroup]):
    """Channel groups: a venue's saved, ordered selections of channels for the wall."""

    queryset = ChannelGroup.objects.none()
    serializer_class = ChannelGroupSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "create": Capability.EDIT_CHANNELS,
        "update": Capability.EDIT_CHANNELS,
        "partial_update": Capability.EDIT_CHANNELS,
        "destroy": Capability.EDIT_CHANNELS,
    }

    def get_queryset(self) -> QuerySet[ChannelGroup]:
        if self.action != "list":
            return self.visible(listings.group_list())
        filters = request_data.query(GroupFilterSerializer, self.request)
        return self.visible(listings.group_list(venue_slug=filters.get("venue", "")))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request_data.validated(ChannelGroupCreateSerializer, request.data)
        group = group_create(
            venue=self.venue_allowed(data["venue"], Capability.EDIT_CHANNELS),
            data=_group_input(data),
            actor=request_actor(request),
        )
        return Response(self._shown(group), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        group = self.get_object()
        partial = bool(kwargs.get("partial"))
        changes = request_data.validated(
            ChannelGroupUpdateSerializer, request.data, partial=partial
        )
        current = {
            "number": group.number,
            "title": group.title,
            "channels": [member.channel_id for member in group.members.all()],
        }
        updated = group_update(
            group=group, data=_group_input({**current, **changes}), actor=request_actor(request)
        )
        return Response(self._shown(updated))

    def perform_destroy(self, instance: ChannelGroup) -> None:
        group_delete(group=instance, actor=request_actor(self.request))

    @staticmethod
    def _shown(group: ChannelGroup) -> dict[str, Any]:
        return dict(ChannelGroupSerializer(listings.group_list().get(pk=group.pk)).data)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@authentication_classes([])
@schema(None)
def not_found(request: Request) -> Response:
    """Any other address under ``/api/``: a 404 in the error envelope, never an HTML page."""
    raise NotFound("No such API endpoint.")
