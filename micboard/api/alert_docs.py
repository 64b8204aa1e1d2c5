"""The OpenAPI description of the alert and alert-rule views, with their examples."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)

from micboard.api.alert_serializers import (
    AcknowledgeSerializer,
    AlertFilterSerializer,
    AlertRuleFilterSerializer,
    AlertRuleSerializer,
    AlertSerializer,
    ContactFilterSerializer,
    NotificationFilterSerializer,
    VenueFilterSerializer,
)
from micboard.api.resource_docs import resource_schema

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

ALERTS = resource_schema(
    shown=ALERT_EXAMPLE,
    filters=AlertFilterSerializer,
    identifier=ALERT_ID,
    list=("List alerts", "Alerts, newest first, filtered by venue, state and rule."),
    retrieve=("Get an alert", "One alert with its acknowledgement and resolution."),
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

RULES = resource_schema(
    shown=RULE_EXAMPLE,
    filters=AlertRuleFilterSerializer,
    identifier=RULE_ID,
    serializer=AlertRuleSerializer,
    create_request=AlertRuleSerializer,
    create_example=RULE_CREATE,
    patch_example=RULE_PATCH,
    list=("List alert rules", "Every venue's rules, or one venue's."),
    retrieve=("Get an alert rule", "One rule."),
    create=("Create an alert rule", "A venue has one rule of each kind; a second is a conflict."),
    update=("Replace an alert rule", "Every field; left-out optional fields take their defaults."),
    partial_update=("Change an alert rule", "The fields given."),
    destroy=("Delete an alert rule", "Deletes the rule with its alerts."),
)


def _crud(
    thing: str,
    things: str,
    example: dict[str, object],
    create: dict[str, object],
    patch: dict[str, object],
    *,
    filters: type | None = None,
    about: str = "",
) -> Any:
    """The schema of a configuration resource's list, get, create, replace, change, delete."""
    return resource_schema(
        shown=OpenApiExample(f"A {thing}", value=example, response_only=True),
        filters=filters,
        identifier=OpenApiParameter(
            "id", int, OpenApiParameter.PATH, description=f"The {thing}'s id."
        ),
        create_example=OpenApiExample("Create", value=create, request_only=True),
        patch_example=OpenApiExample("Change", value=patch, request_only=True),
        list=(f"List {things}", f"Every venue's {things}, or one venue's. {about}".strip()),
        retrieve=(f"Get a {thing}", f"One {thing}."),
        create=(f"Create a {thing}", f"A new {thing}; invalid values are a 400 naming each field."),
        update=(f"Replace a {thing}", "Every field; left-out optional fields take their defaults."),
        partial_update=(f"Change a {thing}", "The fields given."),
        destroy=(f"Delete a {thing}", f"Deletes the {thing}."),
    )


WATCHED_HOURS = _crud(
    "watched-hours window",
    "watched-hours windows",
    {"id": 4, "venue": "demo", "weekday": 6, "starts": "08:00:00", "ends": "13:00:00"},
    {"venue": "demo", "weekday": 6, "starts": "08:00", "ends": "13:00"},
    {"ends": "14:00"},
    filters=VenueFilterSerializer,
    about="Venue time: a window whose end is not after its start ends the next day.",
)
WATCHED_EVENTS = _crud(
    "watched event",
    "watched events",
    {
        "id": 2,
        "venue": "demo",
        "name": "Christmas Eve service",
        "starts_at": "2026-12-24T21:00:00Z",
        "ends_at": "2026-12-25T00:30:00Z",
    },
    {
        "venue": "demo",
        "name": "Christmas Eve service",
        "starts_at": "2026-12-24T22:00:00+01:00",
        "ends_at": "2026-12-25T01:30:00+01:00",
    },
    {"ends_at": "2026-12-25T02:00:00+01:00"},
    filters=VenueFilterSerializer,
)
CONTACT_LISTS = _crud(
    "contact list",
    "contact lists",
    {"id": 1, "venue": "demo", "name": "Audio team", "escalation_order": 0},
    {"venue": "demo", "name": "Technical director", "escalation_order": 1},
    {"name": "Audio leads"},
    filters=VenueFilterSerializer,
    about="An alert opens to step 0 and escalates to the next step.",
)
_CONTACT = {
    "id": 3,
    "contact_list": 1,
    "venue": "demo",
    "name": "Audio chat",
    "channel": "webhook",
    "target": "https://chat.example.org/hooks/audio",
    "has_secret": True,
    "quiet_from": "23:00:00",
    "quiet_until": "07:00:00",
    "enabled": True,
}
CONTACTS = _crud(
    "contact",
    "contacts",
    _CONTACT,
    {
        "contact_list": 1,
        "name": "Audio chat",
        "channel": "webhook",
        "target": "https://chat.example.org/hooks/audio",
        "secret": "a-long-random-signing-key",
        "quiet_from": "23:00",
        "quiet_until": "07:00",
    },
    {"secret": "the-new-signing-key"},
    filters=ContactFilterSerializer,
    about="Reading them needs micboard.view_contact. A secret is never shown, only "
    "has_secret; notifications held in quiet hours go out as one summary when they end.",
)
_NOTIFICATION = {
    "id": 40,
    "venue": "demo",
    "alert": 12,
    "contact": 3,
    "event": "opened",
    "state": "sent",
    "attempts": 1,
    "created_at": "2026-11-29T08:50:00Z",
    "next_attempt_at": "2026-11-29T08:50:00Z",
    "sent_at": "2026-11-29T08:50:01Z",
    "last_error": "",
    "summary": None,
    "idempotency_key": "6f1c2a5e-1d3b-4c1e-9a43-0f3e2b7c9d10",
}
_NOTIFICATION_SHOWN = OpenApiExample("A sent notification", value=_NOTIFICATION, response_only=True)
NOTIFICATIONS = resource_schema(
    shown=_NOTIFICATION_SHOWN,
    filters=NotificationFilterSerializer,
    identifier=OpenApiParameter(
        "id", int, OpenApiParameter.PATH, description="The notification's id."
    ),
    list=(
        "List notifications",
        "The outbox, newest first, by venue, state and alert; reading it needs "
        "micboard.view_notification.",
    ),
    retrieve=("Get a notification", "One notification with its state and last error."),
)
