"""Serializers of performers, events, assignments, swaps and CSV imports (services validate)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework import serializers

from micboard.api.fields import (
    MAX_ID,
    JsonDateTime,
    JsonInteger,
    JsonPrimaryKey,
    JsonString,
    StrictBody,
    VenueSlug,
)
from micboard.models import Assignment, Event, Performer, Receiver
from micboard.selectors.performers import photo_url
from micboard.services.performers import MAX_NAME_LENGTH, MAX_NOTES_LENGTH

# --- performers ---------------------------------------------------------------------------


class PerformerSerializer(serializers.ModelSerializer[Performer]):
    venue = serializers.CharField(source="venue.slug", read_only=True, help_text="Venue slug.")
    photo_url = serializers.SerializerMethodField(
        help_text="The photo (at most 512 px), signed; blank without a photo."
    )
    tile_url = serializers.SerializerMethodField(
        help_text="The wall's square tile of the photo, signed; blank without a photo."
    )

    class Meta:
        model = Performer
        fields = (
            "id",
            "venue",
            "name",
            "part",
            "notes",
            "photo_url",
            "tile_url",
            "photo_source",
            "created_at",
        )
        read_only_fields = fields

    def get_photo_url(self, obj: Performer) -> str:
        return photo_url(obj, size="photo")

    def get_tile_url(self, obj: Performer) -> str:
        return photo_url(obj, size="tile")


class PerformerUpdateSerializer(StrictBody):
    name = JsonString(max_length=MAX_NAME_LENGTH, help_text="Unique within the venue.")
    part = JsonString(
        max_length=MAX_NAME_LENGTH, required=False, allow_blank=True, default="",
        help_text="Part or role, e.g. Act 2 lead.",
    )  # fmt: skip
    notes = JsonString(
        max_length=MAX_NOTES_LENGTH, required=False, allow_blank=True, default="",
        help_text="For the crew, e.g. bodypack on the left hip.",
    )  # fmt: skip


class PerformerCreateSerializer(PerformerUpdateSerializer):
    venue = VenueSlug(help_text="Slug of the venue.")


class PhotoUploadSerializer(serializers.Serializer[dict[str, Any]]):
    photo = serializers.FileField(
        allow_empty_file=True, help_text="A JPEG, PNG or WebP image; resized on the server."
    )


class PerformerFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's performers.")


# --- events -------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer[Event]):
    venue = serializers.CharField(source="venue.slug", read_only=True, help_text="Venue slug.")
    starts_at = serializers.SerializerMethodField(help_text="In the venue's time zone.")
    ends_at = serializers.SerializerMethodField(help_text="In the venue's time zone.")
    time_zone = serializers.CharField(
        source="venue.time_zone", read_only=True, help_text="The venue's time zone."
    )

    class Meta:
        model = Event
        fields = ("id", "venue", "name", "starts_at", "ends_at", "time_zone")
        read_only_fields = fields

    def _local(self, obj: Event, value: Any) -> str:
        return str(timezone.localtime(value, ZoneInfo(obj.venue.time_zone)).isoformat())

    def get_starts_at(self, obj: Event) -> str:
        return self._local(obj, obj.starts_at)

    def get_ends_at(self, obj: Event) -> str:
        return self._local(obj, obj.ends_at)


_TIME_HELP = "ISO 8601; without a UTC offset it is read in the venue's time zone."


class EventUpdateSerializer(StrictBody):
    name = JsonString(max_length=MAX_NAME_LENGTH, help_text='e.g. "Hamlet, Act 1".')
    starts_at = JsonDateTime(help_text=_TIME_HELP)
    ends_at = JsonDateTime(help_text=_TIME_HELP + " Later than starts_at.")


class EventCreateSerializer(EventUpdateSerializer):
    venue = VenueSlug(help_text="Slug of the venue.")


class EventFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's events.")


# --- assignments --------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    venue = serializers.CharField(source="venue.slug", read_only=True, help_text="Venue slug.")
    performer_name = serializers.CharField(source="performer.name", read_only=True)
    receiver_name = serializers.CharField(source="receiver.name", read_only=True)
    event_name = serializers.SerializerMethodField(help_text="Blank for a standing assignment.")

    class Meta:
        model = Assignment
        fields = (
            "id",
            "venue",
            "performer",
            "performer_name",
            "receiver",
            "receiver_name",
            "channel_number",
            "event",
            "event_name",
            "updated_at",
        )
        read_only_fields = fields

    def get_event_name(self, obj: Assignment) -> str:
        return obj.event.name if obj.event else ""


class AssignmentUpdateSerializer(StrictBody):
    performer = JsonPrimaryKey(queryset=Performer.objects.all(), help_text="Performer ID.")
    receiver = JsonPrimaryKey(queryset=Receiver.objects.all(), help_text="Receiver ID.")
    channel_number = JsonInteger(
        min_value=1, max_value=32767, help_text="The receiver's channel, from 1."
    )
    event = JsonPrimaryKey(
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Event ID; null or left out: the standing assignment.",
    )


class AssignmentFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's assignments.")
    performer = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only this performer's."
    )


class SwapSerializer(StrictBody):
    receiver = JsonPrimaryKey(
        queryset=Receiver.objects.all(), help_text="Receiver of the channel to move to."
    )
    channel_number = JsonInteger(min_value=1, max_value=32767, help_text="Its channel number.")


class SwapResultSerializer(serializers.Serializer[Any]):
    moved = AssignmentSerializer(help_text="The performer asked for, on the new channel.")
    displaced = AssignmentSerializer(
        allow_null=True,
        help_text="Whoever was there, now on the channel left; null when it was free.",
    )


# --- CSV import and export ----------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(help_text="Slug of the venue the file is for.")
    file = serializers.FileField(allow_empty_file=True, help_text="The CSV file, UTF-8.")
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text="Photo files the CSV's photo column names, by file name.",
    )


class ExportFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(help_text="Slug of the venue.")


class RejectedRowSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="Line of the file (the header is line 1).")
    reason = serializers.CharField()


class ImportChangeSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="Line of the row that makes the change.")
    text = serializers.CharField()


class ImportReportSerializer(serializers.Serializer[Any]):
    applied = serializers.BooleanField(help_text="Whether the changes were made.")
    rows = serializers.IntegerField(help_text="Data rows read.")
    changes = ImportChangeSerializer(many=True, help_text="What the import does or would do.")
    unchanged = serializers.IntegerField(help_text="Rows that assign what is assigned already.")
    rejected = RejectedRowSerializer(many=True, help_text="Rows refused, with the reason.")
