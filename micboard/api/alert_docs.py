"""The OpenAPI description of the alert and alert-rule views, with their examples."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from micboard.api.alert_serializers import (
    AcknowledgeSerializer,
    AlertFilterSerializer,
    AlertRuleFilterSerializer,
    AlertRuleSerializer,
    AlertSerializer,
)

_ALERT = {
    "id": 12,
    "venue": "demo",
    "rule": "battery",
    "state": "open",
    "summary": "Rack 1 ULXD4Q ch2 BP03 Pastor: battery critical (1 bar)",
    "receiver": 7,
    "channel": 32,
    "count": 1,
    "condition_since": "2026-11-29T08:50:00Z",
    "opened_at": "2026-11-29T08:50:00Z",
    "acknowledged_at": None,
    "acknowledged_by": "",
    "acknowledgement_note": "",
    "resolved_at": None,
    "resolved_by": "",
    "escalation_level": 0,
}
_ACKED = {
    **_ALERT,
    "state": "acknowledged",
    "acknowledged_at": "2026-11-29T08:52:10Z",
    "acknowledged_by": "sam",
    "acknowledgement_note": "fresh batteries on the way",
}
_RESOLVED = {
    **_ACKED,
    "state": "resolved",
    "resolved_at": "2026-11-29T08:55:00Z",
    "resolved_by": "sam",
}
_RULE = {
    "id": 3,
    "venue": "demo",
    "kind": "battery",
    "enabled": True,
    "runtime_minutes": 30,
    "delay_seconds": 0,
    "hold_seconds": 60,
    "watched_hours_only": False,
    "escalate_after_minutes": 10,
}

ALERT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The alert's id.")
RULE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The rule's id.")
ALERT_EXAMPLE = OpenApiExample("An open alert", value=_ALERT, response_only=True)
RULE_EXAMPLE = OpenApiExample("The battery rule", value=_RULE, response_only=True)
RULE_CREATE = OpenApiExample(
    "Transmitters left on",
    value={"venue": "demo", "kind": "left_on", "delay_seconds": 1800},
    request_only=True,
)
RULE_PATCH = OpenApiExample("Warn earlier", value={"runtime_minutes": 45}, request_only=True)

ALERTS = extend_schema_view(
    list=extend_schema(
        summary="List alerts",
        description="Alerts, newest first, filtered by venue, state and rule.",
        parameters=[AlertFilterSerializer],
        examples=[ALERT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Get an alert",
        description="One alert with its acknowledgement and resolution.",
        parameters=[ALERT_ID],
        examples=[ALERT_EXAMPLE],
    ),
)

ACKNOWLEDGE = extend_schema(
    summary="Acknowledge an alert",
    description="Someone is on it: it stops escalating. A second acknowledgement keeps the first.",
    parameters=[ALERT_ID],
    request=AcknowledgeSerializer,
    responses={200: AlertSerializer},
    examples=[
        OpenApiExample(
            "With a note", value={"note": "fresh batteries on the way"}, request_only=True
        ),
        OpenApiExample("Acknowledged", value=_ACKED, response_only=True),
    ],
)

RESOLVE = extend_schema(
    summary="Resolve an alert",
    description=(
        "Resolved by hand; everyone it was sent to hears so. A condition that still holds "
        "opens a new alert after the rule's delay."
    ),
    parameters=[ALERT_ID],
    request=None,
    responses={200: AlertSerializer},
    examples=[OpenApiExample("Resolved", value=_RESOLVED, response_only=True)],
)

RULES = extend_schema_view(
    list=extend_schema(
        summary="List alert rules",
        description="Every venue's rules, or one venue's.",
        parameters=[AlertRuleFilterSerializer],
        examples=[RULE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Get an alert rule",
        description="One rule.",
        parameters=[RULE_ID],
        examples=[RULE_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create an alert rule",
        description="A venue has one rule of each kind; a second is a conflict.",
        request=AlertRuleSerializer,
        responses={201: AlertRuleSerializer},
        examples=[RULE_CREATE, RULE_EXAMPLE],
    ),
    update=extend_schema(
        summary="Replace an alert rule",
        description="Every field; left-out optional fields take their defaults.",
        parameters=[RULE_ID],
        examples=[RULE_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary="Change an alert rule",
        description="The fields given.",
        parameters=[RULE_ID],
        examples=[RULE_PATCH, RULE_EXAMPLE],
    ),
    destroy=extend_schema(
        summary="Delete an alert rule",
        description="Deletes the rule with its alerts.",
        parameters=[RULE_ID],
    ),
)
