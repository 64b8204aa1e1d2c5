"""API v1 for the audit trail: read-only, for venue admins (their venues) and superusers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers

from micboard.api import request_data
from micboard.api.fields import ID_PATTERN
from micboard.api.permissions import request_access
from micboard.api.scoping import VenueScoped
from micboard.models import AuditAction, AuditEntry
from micboard.selectors.access import Capability
from micboard.selectors.audit import audit_list


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    venue = serializers.CharField(
        source="venue_slug", read_only=True, help_text="Slug of the venue, when there is one."
    )

    class Meta:
        model = AuditEntry
        fields = ("id", "at", "actor", "address", "action", "venue", "target", "changes")
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's entries.")
    action = serializers.ChoiceField(
        choices=AuditAction.choices, required=False, help_text="Only entries of this action."
    )


_ENTRY_EXAMPLE = OpenApiExample(
    "A receiver's poll interval changed",
    value={
        "id": 41,
        "at": "2026-11-29T08:52:10Z",
        "actor": "sam",
        "address": "192.0.2.10",
        "action": "receiver.changed",
        "venue": "demo",
        "target": "receiver 7 Rack 1 ULXD4Q",
        "changes": {"poll_interval": {"old": 5, "new": 2}},
    },
    response_only=True,
)
_ENTRY_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The entry's ID."
)

AUDIT_DOCS = extend_schema_view(
    list=extend_schema(
        summary="List audit entries",
        description="Newest first: who did what, when, from which address, with old and new "
        "values. A venue admin sees their venues' entries; a superuser sees every entry.",
        parameters=[AuditFilterSerializer],
        examples=[_ENTRY_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Get an audit entry",
        description="One entry of the trail.",
        parameters=[_ENTRY_ID],
        examples=[_ENTRY_EXAMPLE],
    ),
)


@AUDIT_DOCS
class AuditEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    VenueScoped[AuditEntry],
):
    """The audit trail: append-only, so only read here."""

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    read_capability = Capability.VIEW_AUDIT
    capabilities = {"list": Capability.VIEW_AUDIT, "retrieve": Capability.VIEW_AUDIT}

    def get_queryset(self) -> QuerySet[AuditEntry]:
        access = request_access(self.request)
        if self.action != "list":
            return audit_list(access=access)
        query = request_data.query(AuditFilterSerializer, self.request)
        return audit_list(
            access=access,
            venue_slug=query.get("venue", ""),
            action=query.get("action", ""),
        )
