"""Serializer of a venue worker's liveness, as the venue endpoints show it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from micboard.selectors.freshness import VenueLiveness


class VenueWorkerSerializer(serializers.Serializer[VenueLiveness]):
    """Whether the venue's worker reports, read from its receivers' data age."""

    reporting = serializers.BooleanField(
        help_text="False when every enabled receiver of the venue is stale: the venue's queue "
        "has no consumer, or the work dispatched to it is not being done."
    )
    not_reporting_since = serializers.SerializerMethodField(
        help_text="The venue's newest data while its worker does not report; null while it does."
    )
    message = serializers.CharField(
        source="not_reporting_message",
        help_text='"venue worker not reporting since HH:MM:SS", as on the wall; blank while '
        "it reports.",
    )
    fresh_receivers = serializers.IntegerField(source="fresh", help_text="Enabled and fresh.")
    stale_receivers = serializers.IntegerField(source="stale", help_text="Enabled and stale.")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_not_reporting_since(self, obj: VenueLiveness) -> str | None:
        if obj.reporting or obj.last_sync_at is None:
            return None
        return serializers.DateTimeField().to_representation(obj.last_sync_at)
