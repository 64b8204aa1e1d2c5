"""Serializers: what the API shows, and the shape of what it accepts (services validate)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from micboard.api.fields import (
    MAX_ID,
    JsonBoolean,
    JsonChoice,
    JsonInteger,
    JsonSlug,
    JsonString,
    StrictBody,
    VenueSlug,
)
from micboard.api.liveness_serializers import VenueWorkerSerializer
from micboard.composition import receiver_vocabulary
from micboard.formatting import format_frequency, format_runtime, split_channel_name
from micboard.models import (
    Channel,
    ChannelGroup,
    ChannelState,
    Receiver,
    ReceiverStatus,
    TelemetrySample,
    Venue,
)
from micboard.models.groups import MAX_GROUP_NUMBER
from micboard.selectors.freshness import (
    VenueLiveness,
    data_age_seconds,
    receiver_is_stale,
    venue_liveness_of,
)
from micboard.services.groups import MAX_TITLE_LENGTH
from micboard.services.validation import MAX_POLL_INTERVAL, MAX_RUNTIME_LEVEL_MINUTES

MODELS, PROTOCOLS = receiver_vocabulary()

# --- venues -------------------------------------------------------------------------------


class VenueSerializer(serializers.ModelSerializer[Venue]):
    """A venue; the context's ``liveness`` (by venue id) saves reading each venue's own."""

    receiver_count = serializers.IntegerField(
        source="receiver_total", read_only=True, help_text="Receivers registered at the venue."
    )
    worker = serializers.SerializerMethodField(help_text="Whether the venue's worker reports.")

    class Meta:
        model = Venue
        fields = (
            "id",
            "name",
            "slug",
            "queue_name",
            "receiver_count",
            "stale_after_polls",
            "worker",
            "time_zone",
            "alert_retention_days",
            "battery_replace_minutes",
            "battery_critical_minutes",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(VenueWorkerSerializer)
    def get_worker(self, obj: Venue) -> dict[str, Any]:
        known: dict[int, VenueLiveness] = self.context.get("liveness", {})
        liveness = known.get(obj.pk) or venue_liveness_of(now=timezone.now(), venue=obj)
        return dict(VenueWorkerSerializer(liveness).data)


class VenueCreateSerializer(StrictBody):
    name = JsonString(max_length=120, help_text="Shown on the wall and in the admin.")
    slug = JsonSlug(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Names the venue's Celery queue; made from the name when left out.",
    )


class VenueChangeSerializer(StrictBody):
    battery_replace_minutes = JsonInteger(
        allow_null=True,
        min_value=1,
        max_value=MAX_RUNTIME_LEVEL_MINUTES,
        help_text="Where a transmitter reports its runtime: REPLACE below this many minutes "
        "left. null (with battery_critical_minutes null): battery states by bars.",
    )
    battery_critical_minutes = JsonInteger(
        allow_null=True,
        min_value=1,
        max_value=MAX_RUNTIME_LEVEL_MINUTES,
        help_text="CRITICAL below this many minutes left; below battery_replace_minutes.",
    )


# --- receivers ----------------------------------------------------------------------------


def _stale(receiver: Receiver) -> bool:
    return receiver_is_stale(receiver, now=timezone.now(), polls=receiver.venue.stale_after_polls)


class ReceiverSerializer(serializers.ModelSerializer[Receiver]):
    venue: serializers.SlugRelatedField[Venue] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    stale = serializers.SerializerMethodField(
        help_text="The last sync is older than the venue's stale_after_polls poll intervals: "
        "what the receiver shows may no longer be true."
    )
    data_age_seconds = serializers.SerializerMethodField(
        help_text="Seconds since the last sync (answered or unreachable); null before any."
    )
    has_device_password = serializers.SerializerMethodField(
        help_text="Whether a device password is stored (it is never shown)."
    )

    class Meta:
        model = Receiver
        fields = (
            "id",
            "venue",
            "name",
            "family",
            "model",
            "protocol",
            "host",
            "port",
            "channel_count",
            "poll_interval",
            "enabled",
            "status",
            "stale",
            "data_age_seconds",
            "last_seen_at",
            "last_sync_at",
            "last_sync_duration_ms",
            "last_sync_result",
            "next_sync_at",
            "last_error",
            "consecutive_failures",
            "firmware",
            "device_id",
            "request_form",
            "skipped_messages",
            "last_skipped_message",
            "resent_requests",
            "has_device_password",
            "certificate_sha256",
            "certificate_pinned_at",
            "created_at",
        )
        read_only_fields = fields

    def get_has_device_password(self, obj: Receiver) -> bool:
        return bool(obj.device_password)

    def get_stale(self, obj: Receiver) -> bool:
        return _stale(obj)

    def get_data_age_seconds(self, obj: Receiver) -> float | None:
        age = data_age_seconds(obj, now=timezone.now())
        return None if age is None else round(age, 1)


class ReceiverUpdateSerializer(StrictBody):
    name = JsonString(
        max_length=120, allow_blank=True, help_text="Left blank: the model and the host."
    )
    model = JsonChoice(choices=MODELS, help_text="Model number, e.g. ULXD4Q or QLXD4.")
    host = JsonString(max_length=253, help_text="IP address or host name.")
    port = JsonInteger(min_value=1, max_value=65535, default=2202)
    protocol = JsonChoice(
        choices=PROTOCOLS,
        default="shure-tcp",
        help_text="Left at shure-tcp: the protocol that speaks the model. EW-DX: "
        "sennheiser-ssc-ewdx (SSC v1, UDP) or sennheiser-sscv2-ewdx (SSC v2, HTTPS).",
    )
    device_password = JsonString(
        max_length=64, required=False, allow_blank=True, write_only=True,
        help_text="SSC v2: the device's third-party password (user 'api'); stored encrypted, "
        "never shown. Left out: kept; empty: removed.",
    )  # fmt: skip
    poll_interval = JsonInteger(
        min_value=1, max_value=MAX_POLL_INTERVAL, default=5, help_text="Seconds between polls."
    )
    enabled = JsonBoolean(default=True, help_text="Poll the receiver.")


class ReceiverCreateSerializer(ReceiverUpdateSerializer):
    venue = VenueSlug(help_text="Slug of the venue.")


# --- resyncs ------------------------------------------------------------------------------


class ResyncReportSerializer(serializers.Serializer[Any]):
    requested = serializers.IntegerField(help_text="Distinct receiver IDs asked for.")
    enqueued = serializers.ListField(
        child=serializers.IntegerField(), help_text="Receivers whose resync was queued now."
    )
    already_pending = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Receivers with a resync still waiting from an earlier request.",
    )
    coalesced = serializers.IntegerField(
        help_text="How many of the receivers asked for joined a resync already queued."
    )
    deferred = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Receivers whose resync was queued to run a moment after their previous one.",
    )
    disabled = serializers.ListField(
        child=serializers.IntegerField(), help_text="Receivers not polled: refused."
    )
    missing = serializers.ListField(
        child=serializers.IntegerField(), help_text="IDs that match no receiver."
    )


# --- channels and their history -----------------------------------------------------------


class ChannelSerializer(serializers.ModelSerializer[Channel]):
    venue = serializers.CharField(
        source="receiver.venue.slug", read_only=True, help_text="Slug of the venue."
    )
    channel_id = serializers.SerializerMethodField(help_text='"HH01" of "HH01 Lead".')
    display_name = serializers.SerializerMethodField(help_text='"Lead" of "HH01 Lead".')
    frequency_mhz = serializers.SerializerMethodField(help_text="e.g. 578.350; — when unknown.")
    runtime = serializers.SerializerMethodField(help_text="Battery runtime as H:MM.")
    state = serializers.SerializerMethodField(
        help_text="The derived state; STALE while the receiver's data is stale."
    )
    data_state = serializers.ChoiceField(
        source="state",
        choices=ChannelState.choices,
        read_only=True,
        help_text="The state the last sync derived, stale or not.",
    )
    stale = serializers.SerializerMethodField(help_text="The receiver's data is stale.")

    class Meta:
        model = Channel
        fields = (
            "id",
            "venue",
            "receiver",
            "number",
            "name",
            "channel_id",
            "display_name",
            "state",
            "data_state",
            "stale",
            "frequency_khz",
            "frequency_mhz",
            "battery_bars",
            "battery_percent",
            "runtime_minutes",
            "runtime",
            "tx_type",
            "tx_offset_db",
            "rf_level",
            "rf_levels",
            "rf_quality",
            "audio_level",
            "antenna",
            "muted",
            "warnings",
            "audio_gain_db",
            "group_channel",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ChannelState.choices))
    def get_state(self, obj: Channel) -> str:
        return str(ChannelState.STALE) if _stale(obj.receiver) else str(obj.state)

    def get_stale(self, obj: Channel) -> bool:
        return _stale(obj.receiver)

    def get_channel_id(self, obj: Channel) -> str:
        return split_channel_name(obj.name)[0]

    def get_display_name(self, obj: Channel) -> str:
        return split_channel_name(obj.name)[1]

    def get_frequency_mhz(self, obj: Channel) -> str:
        return format_frequency(obj.frequency_khz)

    def get_runtime(self, obj: Channel) -> str:
        return format_runtime(obj.runtime_minutes)


class TelemetrySampleSerializer(serializers.ModelSerializer[TelemetrySample]):
    class Meta:
        model = TelemetrySample
        fields = (
            "id",
            "recorded_at",
            "state",
            "battery_bars",
            "runtime_minutes",
            "frequency_khz",
            "rf_level",
            "audio_level",
        )
        read_only_fields = fields


class SampleFilterSerializer(serializers.Serializer[dict[str, Any]]):
    since = serializers.DateTimeField(
        required=False, help_text="Only samples recorded at or after this time (ISO 8601)."
    )
    until = serializers.DateTimeField(
        required=False,
        help_text="Only samples recorded before this time (ISO 8601); later than since.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": "must be later than since"})
        return attrs


# --- channel groups -----------------------------------------------------------------------


class ChannelGroupSerializer(serializers.ModelSerializer[ChannelGroup]):
    venue: serializers.SlugRelatedField[Venue] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    channels = serializers.SerializerMethodField(help_text="Channel IDs, in display order.")

    class Meta:
        model = ChannelGroup
        fields = ("id", "venue", "number", "title", "channels")
        read_only_fields = fields

    def get_channels(self, obj: ChannelGroup) -> list[int]:
        return [member.channel_id for member in obj.members.all()]


class ChannelGroupUpdateSerializer(StrictBody):
    number = JsonInteger(
        min_value=0, max_value=MAX_GROUP_NUMBER, help_text="The key that shows it on the wall."
    )
    title = JsonString(max_length=MAX_TITLE_LENGTH)
    channels = serializers.ListField(
        child=JsonInteger(min_value=1, max_value=MAX_ID),
        default=list,
        help_text="Channel IDs of the venue, in display order.",
    )


class ChannelGroupCreateSerializer(ChannelGroupUpdateSerializer):
    venue = VenueSlug(help_text="Slug of the venue.")


# --- list filters (query parameters) ------------------------------------------------------


class ReceiverFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's receivers.")
    status = serializers.ChoiceField(
        choices=ReceiverStatus.choices, required=False, help_text="Only receivers in this status."
    )


class ChannelFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's channels.")
    receiver = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only this receiver's channels."
    )
    state = serializers.ChoiceField(
        choices=ChannelState.choices,
        required=False,
        help_text="Only channels in this state, as their state field shows it: STALE for the "
        "channels of stale receivers, any other state for fresh channels whose last sync "
        "derived it.",
    )


class GroupFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's groups.")
