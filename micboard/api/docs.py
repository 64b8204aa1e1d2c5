"""The OpenAPI description of each API view: summaries, descriptions, parameters, examples.

Kept apart from ``views.py`` so the views read as what they do.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from micboard.api import examples
from micboard.api.serializers import (
    ChannelFilterSerializer,
    ChannelGroupCreateSerializer,
    ChannelGroupSerializer,
    ChannelGroupUpdateSerializer,
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

VENUE_SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The venue's slug, e.g. demo."
)

VENUES = extend_schema_view(
    list=extend_schema(
        summary="List venues",
        description="Every venue, by name, with its queue, its number of receivers and "
        "whether its worker reports (its fresh and stale receivers).",
        examples=[examples.VENUE_LIST],
    ),
    retrieve=extend_schema(
        summary="Get a venue",
        description="One venue, by its slug.",
        parameters=[VENUE_SLUG],
        examples=[examples.VENUE],
    ),
    create=extend_schema(
        summary="Create a venue",
        description="Creates the venue, its Celery queue name and its dispatcher schedule.",
        request=VenueCreateSerializer,
        responses={201: VenueSerializer},
        examples=[examples.VENUE_CREATE, examples.VENUE],
    ),
    partial_update=extend_schema(
        summary="Change a venue's battery runtime levels",
        description=(
            "Sets the runtime levels that decide a transmitter's battery state where it "
            "reports a runtime: REPLACE below battery_replace_minutes, CRITICAL below "
            "battery_critical_minutes (both, or both null to judge by bars). Channels take "
            "them at their next poll. Needs the permission to change venues."
        ),
        parameters=[VENUE_SLUG],
        request=VenueChangeSerializer,
        responses={200: VenueSerializer},
        examples=[examples.VENUE_RUNTIME_LEVELS, examples.VENUE_BY_RUNTIME],
    ),
    destroy=extend_schema(
        summary="Delete a venue",
        description="Deletes the venue with its receivers, channels, groups and history.",
        parameters=[VENUE_SLUG],
    ),
)

VENUES_RESYNC = extend_schema(
    summary="Resync every receiver of a venue",
    description=(
        "Queues a priority sync of each enabled receiver of the venue, at most one pending "
        "per receiver (a repeat within 60 s is reported as already pending). Needs the "
        "permission to change receivers."
    ),
    parameters=[VENUE_SLUG],
    request=None,
    responses={202: ResyncReportSerializer},
    examples=[examples.RESYNC_REPORT],
)

RECEIVERS = extend_schema_view(
    list=extend_schema(
        summary="List receivers",
        description="Receivers by venue and name, with their status and last poll.",
        parameters=[ReceiverFilterSerializer],
        examples=[examples.RECEIVER_LIST],
    ),
    retrieve=extend_schema(
        summary="Get a receiver",
        description="One receiver: its settings, status, last poll and last error.",
        examples=[examples.RECEIVER],
    ),
    create=extend_schema(
        summary="Register a receiver",
        description=(
            "Validates the address and the model, works out the family and the channel count, "
            "and schedules the first poll at once."
        ),
        request=ReceiverCreateSerializer,
        responses={201: ReceiverSerializer},
        examples=[examples.RECEIVER_CREATE, examples.RECEIVER],
    ),
    update=extend_schema(
        summary="Replace a receiver's settings",
        description=(
            "Validates like a registration, polls it again at once, and drops channels the "
            "new model does not have. A receiver stays at its venue."
        ),
        request=ReceiverUpdateSerializer,
        responses={200: ReceiverSerializer},
        examples=[examples.RECEIVER_UPDATE, examples.RECEIVER],
    ),
    partial_update=extend_schema(
        summary="Change some of a receiver's settings",
        description="Like a replacement, with the fields left out kept as they are.",
        request=ReceiverUpdateSerializer,
        responses={200: ReceiverSerializer},
        examples=[examples.RECEIVER_PATCH, examples.RECEIVER],
    ),
    destroy=extend_schema(summary="Remove a receiver", description="Deletes it and its channels."),
)

RECEIVERS_RESYNC = extend_schema(
    summary="Resync a receiver now",
    description=(
        "Queues a priority sync of the receiver, ahead of scheduled ones and regardless of "
        "backoff. A second request before the first has started is reported as already "
        "pending; a disabled receiver is refused. Needs the permission to change receivers."
    ),
    request=None,
    responses={202: ResyncReportSerializer},
    examples=[examples.RESYNC_REPORT],
)

RECEIVERS_CERTIFICATE_RESET = extend_schema(
    summary="Reset a receiver's pinned certificate",
    description=(
        "Forgets the TLS certificate pinned for an SSC v2 receiver, so its next poll pins "
        "the certificate the device presents then. Reset only once you know why the "
        "certificate changed (device replaced or reset). Recorded in the audit trail. Needs "
        "the venue admin role."
    ),
    request=None,
    responses={200: ReceiverSerializer},
    examples=[examples.RECEIVER_PIN_RESET],
)

CHANNELS = extend_schema_view(
    list=extend_schema(
        summary="List channels",
        description=(
            "Every channel with the values its receiver last reported and its derived state."
        ),
        parameters=[ChannelFilterSerializer],
        examples=[examples.CHANNEL_LIST],
    ),
    retrieve=extend_schema(
        summary="Get a channel",
        description="One channel's last values, its state, and its name split Shure-style.",
        examples=[examples.CHANNEL],
    ),
)

CHANNELS_SAMPLES = extend_schema(
    summary="A channel's telemetry history",
    description=(
        "Samples recorded when a value changed, and at least once a minute; newest first."
    ),
    parameters=[SampleFilterSerializer],
    responses={200: TelemetrySampleSerializer(many=True)},
    examples=[examples.SAMPLE_PAGE],
)

GROUPS = extend_schema_view(
    list=extend_schema(
        summary="List channel groups",
        description="Groups by venue and key, each with its channel IDs in display order.",
        parameters=[GroupFilterSerializer],
        examples=[examples.GROUP_LIST],
    ),
    retrieve=extend_schema(
        summary="Get a channel group",
        description="One group: its key (0-9), title and channel IDs in display order.",
        examples=[examples.GROUP],
    ),
    create=extend_schema(
        summary="Save a channel group",
        description="An ordered selection of a venue's channels, shown by its number key (0-9).",
        request=ChannelGroupCreateSerializer,
        responses={201: ChannelGroupSerializer},
        examples=[examples.GROUP_CREATE, examples.GROUP],
    ),
    update=extend_schema(
        summary="Replace a channel group",
        description="New key, title and channels; the channels must be the venue's.",
        request=ChannelGroupUpdateSerializer,
        responses={200: ChannelGroupSerializer},
        examples=[examples.GROUP_UPDATE, examples.GROUP],
    ),
    partial_update=extend_schema(
        summary="Change part of a channel group",
        description="Like a replacement, with the fields left out kept as they are.",
        request=ChannelGroupUpdateSerializer,
        responses={200: ChannelGroupSerializer},
        examples=[examples.GROUP_PATCH, examples.GROUP],
    ),
    destroy=extend_schema(
        summary="Delete a channel group", description="Its channels are not touched."
    ),
)
