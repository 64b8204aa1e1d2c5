"""API v1 for a venue's alert configuration and the notification outbox (read-only).

Watched hours and events, contact lists, and contacts, whose secrets are write-only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from micboard.api import alert_docs, request_data
from micboard.api.alert_serializers import (
    ContactFilterSerializer,
    ContactListSerializer,
    ContactSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    VenueFilterSerializer,
    WatchedEventSerializer,
    WatchedHoursSerializer,
)
from micboard.api.fields import ID_PATTERN
from micboard.api.permissions import request_access
from micboard.api.scoping import VenueScoped, read_by_viewers
from micboard.composition import secret_box
from micboard.models import Contact, ContactList, Notification, WatchedEvent, WatchedHours
from micboard.selectors import alerts as selected
from micboard.selectors.access import Capability
from micboard.services.alerts import configuration

M = TypeVar("M", bound=Model)


_EDITED_BY_VENUE_ADMINS = read_by_viewers(Capability.EDIT_VENUE)
# Contacts and the outbox hold people's addresses: venue admins read them.
_READ_BY_VENUE_ADMINS = {
    **_EDITED_BY_VENUE_ADMINS,
    "list": Capability.VIEW_CONTACTS,
    "retrieve": Capability.VIEW_CONTACTS,
}


class _VenueConfiguration(VenueScoped[M]):
    """A venue's configuration rows: a venue named in a body must allow editing them."""

    venue_path = "venue"
    capabilities = _EDITED_BY_VENUE_ADMINS

    def checked(self, serializer: serializers.BaseSerializer[M]) -> dict[str, Any]:
        """The validated values, once the venue they name (a new one, for a change) allows
        the caller to edit its configuration."""
        values = dict(serializer.validated_data)
        venue = values.get("venue")
        if venue is not None and venue.pk != getattr(serializer.instance, "venue_id", None):
            self.venue_allowed(venue, Capability.EDIT_VENUE)
        return values


def _apply(instance: Any, values: dict[str, Any]) -> Any:
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


@alert_docs.WATCHED_HOURS
class WatchedHoursViewSet(_VenueConfiguration[WatchedHours], viewsets.ModelViewSet[WatchedHours]):
    """A venue's weekly watched hours."""

    queryset = WatchedHours.objects.none()
    serializer_class = WatchedHoursSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[WatchedHours]:
        if self.action != "list":
            return self.visible(selected.watched_hours_list())
        query = request_data.query(VenueFilterSerializer, self.request)
        return self.visible(selected.watched_hours_list(venue_slug=query.get("venue", "")))

    def perform_create(self, serializer: serializers.BaseSerializer[WatchedHours]) -> None:
        serializer.instance = configuration.watched_hours_save(
            hours=WatchedHours(**self.checked(serializer))
        )

    def perform_update(self, serializer: serializers.BaseSerializer[WatchedHours]) -> None:
        serializer.instance = configuration.watched_hours_save(
            hours=_apply(serializer.instance, self.checked(serializer))
        )


@alert_docs.WATCHED_EVENTS
class WatchedEventViewSet(_VenueConfiguration[WatchedEvent], viewsets.ModelViewSet[WatchedEvent]):
    """A venue's one-off watched periods."""

    queryset = WatchedEvent.objects.none()
    serializer_class = WatchedEventSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[WatchedEvent]:
        if self.action != "list":
            return self.visible(selected.watched_event_list())
        query = request_data.query(VenueFilterSerializer, self.request)
        return self.visible(selected.watched_event_list(venue_slug=query.get("venue", "")))

    def perform_create(self, serializer: serializers.BaseSerializer[WatchedEvent]) -> None:
        serializer.instance = configuration.watched_event_save(
            event=WatchedEvent(**self.checked(serializer))
        )

    def perform_update(self, serializer: serializers.BaseSerializer[WatchedEvent]) -> None:
        serializer.instance = configuration.watched_event_save(
            event=_apply(serializer.instance, self.checked(serializer))
        )


@alert_docs.CONTACT_LISTS
class ContactListViewSet(_VenueConfiguration[ContactList], viewsets.ModelViewSet[ContactList]):
    """A venue's contact lists, in escalation order."""

    queryset = ContactList.objects.none()
    serializer_class = ContactListSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[ContactList]:
        if self.action != "list":
            return self.visible(selected.contact_list_list())
        query = request_data.query(VenueFilterSerializer, self.request)
        return self.visible(selected.contact_list_list(venue_slug=query.get("venue", "")))

    def perform_create(self, serializer: serializers.BaseSerializer[ContactList]) -> None:
        serializer.instance = configuration.contact_list_save(
            contact_list=ContactList(**self.checked(serializer))
        )

    def perform_update(self, serializer: serializers.BaseSerializer[ContactList]) -> None:
        serializer.instance = configuration.contact_list_save(
            contact_list=_apply(serializer.instance, self.checked(serializer))
        )


def _contact_input(values: dict[str, Any]) -> configuration.ContactInput:
    return configuration.ContactInput(
        name=values["name"],
        channel=values["channel"],
        target=values["target"],
        quiet_from=values.get("quiet_from"),
        quiet_until=values.get("quiet_until"),
        enabled=values.get("enabled", True),
        secret=values.get("secret"),
    )


@alert_docs.CONTACTS
class ContactViewSet(VenueScoped[Contact], viewsets.ModelViewSet[Contact]):
    """Contacts: an email address or a signed webhook, with optional quiet hours."""

    queryset = Contact.objects.none()
    serializer_class = ContactSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "contact_list__venue"
    read_capability = Capability.VIEW_CONTACTS
    capabilities = _READ_BY_VENUE_ADMINS

    def get_queryset(self) -> QuerySet[Contact]:
        if self.action != "list":
            return self.visible(selected.contact_list())
        query = request_data.query(ContactFilterSerializer, self.request)
        return self.visible(
            selected.contact_list(
                venue_slug=query.get("venue", ""), contact_list_id=query.get("contact_list")
            )
        )

    def _list_allowed(self, contact_list: ContactList) -> ContactList:
        """A contact list named in a body: another venue's reads as no such list."""
        if not request_access(self.request).may(contact_list.venue_id, Capability.VIEW):
            raise serializers.ValidationError(
                {"contact_list": [f'Invalid pk "{contact_list.pk}" - object does not exist.']}
            )
        self.venue_allowed(contact_list.venue, Capability.EDIT_VENUE)
        return contact_list

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contact = configuration.contact_save(
            contact_list=self._list_allowed(data["contact_list"]),
            data=_contact_input(data),
            box=secret_box(),
            contact=None,
        )
        return Response(self._shown(contact), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contact = self.get_object()
        partial = bool(kwargs.get("partial"))
        serializer = self.get_serializer(contact, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = {
            "contact_list": contact.contact_list,
            "name": contact.name,
            "channel": contact.channel,
            "target": contact.target,
            "quiet_from": contact.quiet_from,
            "quiet_until": contact.quiet_until,
            "enabled": contact.enabled,
        }
        values = (
            {**current, **serializer.validated_data} if partial else {**serializer.validated_data}
        )
        if values["contact_list"].pk != contact.contact_list_id:
            self._list_allowed(values["contact_list"])
        updated = configuration.contact_save(
            contact_list=values["contact_list"],
            data=_contact_input(values),
            box=secret_box(),
            contact=contact,
        )
        return Response(self._shown(updated))

    @staticmethod
    def _shown(contact: Contact) -> dict[str, Any]:
        return dict(ContactSerializer(selected.contact_list().get(pk=contact.pk)).data)


@alert_docs.NOTIFICATIONS
class NotificationViewSet(VenueScoped[Notification], viewsets.ReadOnlyModelViewSet[Notification]):
    """The outbox: every notification, its state and its attempts."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    read_capability = Capability.VIEW_CONTACTS
    capabilities = {"list": Capability.VIEW_CONTACTS, "retrieve": Capability.VIEW_CONTACTS}

    def get_queryset(self) -> QuerySet[Notification]:
        if self.action != "list":
            return self.visible(selected.notification_list())
        query = request_data.query(NotificationFilterSerializer, self.request)
        return self.visible(
            selected.notification_list(
                venue_slug=query.get("venue", ""),
                state=query.get("state", ""),
                alert_id=query.get("alert"),
            )
        )
