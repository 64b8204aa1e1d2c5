"""Serializers of alerts and alert rules: what the API shows and the JSON it accepts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from micboard.api.fields import (
    MAX_ID,
    JsonBoolean,
    JsonChoice,
    JsonInteger,
    JsonString,
    JsonTime,
    StrictModelBody,
    VenueSlug,
)
from micboard.models import (
    Alert,
    AlertRule,
    AlertState,
    Contact,
    ContactChannel,
    ContactList,
    Notification,
    NotificationState,
    RuleKind,
    WatchedEvent,
    WatchedHours,
)
from micboard.services.alerts.configuration import MAX_ESCALATION_ORDER


class AlertSerializer(serializers.ModelSerializer[Alert]):
    venue: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    rule = serializers.CharField(source="rule.kind", read_only=True, help_text="The rule's kind.")

    class Meta:
        model = Alert
        fields = (
            "id",
            "venue",
            "rule",
            "state",
            "summary",
            "receiver",
            "channel",
            "count",
            "condition_since",
            "opened_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
            "resolved_at",
            "resolved_by",
            "escalation_level",
        )
        read_only_fields = fields


class AlertFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's alerts.")
    state = serializers.ChoiceField(choices=AlertState.choices, required=False)
    rule = serializers.ChoiceField(choices=RuleKind.choices, required=False)


class AcknowledgeSerializer(serializers.Serializer[dict[str, Any]]):
    note = JsonString(max_length=2000, required=False, allow_blank=True)


class AlertRuleSerializer(StrictModelBody):
    venue = VenueSlug(help_text="The venue's slug.")
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    enabled = JsonBoolean(required=False)
    runtime_minutes = JsonInteger(min_value=1, max_value=1440, required=False, allow_null=True)
    delay_seconds = JsonInteger(min_value=0, max_value=86_400, required=False)
    hold_seconds = JsonInteger(min_value=0, max_value=86_400, required=False)
    watched_hours_only = JsonBoolean(required=False)
    escalate_after_minutes = JsonInteger(
        min_value=0, max_value=1440, required=False, allow_null=True
    )

    class Meta:
        model = AlertRule
        fields = (
            "id",
            "venue",
            "kind",
            "enabled",
            "runtime_minutes",
            "delay_seconds",
            "hold_seconds",
            "watched_hours_only",
            "escalate_after_minutes",
        )
        read_only_fields = ("id",)
        validators: list[Any] = []  # the service reports a taken kind as a conflict


class AlertRuleFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's rules.")


# --- the alert configuration: watched hours and events, contact lists, contacts -----------


class VenueFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's.")


class WatchedHoursSerializer(StrictModelBody):
    venue = VenueSlug(help_text="The venue's slug.")
    weekday = JsonInteger(min_value=0, max_value=6, help_text="0 Monday to 6 Sunday.")
    starts = JsonTime(help_text="Venue time, HH:MM.")
    ends = JsonTime(
        help_text="Venue time; not after the start, the window ends the next day "
        "(equal to the start: 24 hours)."
    )

    class Meta:
        model = WatchedHours
        fields = ("id", "venue", "weekday", "starts", "ends")
        read_only_fields = ("id",)


class WatchedEventSerializer(StrictModelBody):
    venue = VenueSlug(help_text="The venue's slug.")
    name = JsonString(max_length=120)
    starts_at = serializers.DateTimeField(help_text="ISO 8601 with its offset.")
    ends_at = serializers.DateTimeField(help_text="After the start.")

    class Meta:
        model = WatchedEvent
        fields = ("id", "venue", "name", "starts_at", "ends_at")
        read_only_fields = ("id",)


class ContactListSerializer(StrictModelBody):
    venue = VenueSlug(help_text="The venue's slug.")
    name = JsonString(max_length=120)
    escalation_order = JsonInteger(
        min_value=0,
        max_value=MAX_ESCALATION_ORDER,
        required=False,
        help_text="0 hears when an alert opens; each higher step when it escalates again.",
    )

    class Meta:
        model = ContactList
        fields = ("id", "venue", "name", "escalation_order")
        read_only_fields = ("id",)


class ContactListId(serializers.PrimaryKeyRelatedField[ContactList]):
    """A contact list by its id: a JSON integer the database can hold, never looked up else."""

    def to_internal_value(self, data: Any) -> ContactList:
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(f"Expected an integer, got {type(data).__name__}.")
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        # The stubs type the argument as the model; Django REST framework passes the pk on.
        return super().to_internal_value(data)  # type: ignore[arg-type]


class ContactSerializer(StrictModelBody):
    """A contact; its secret is write-only: the API says whether one is set, never what."""

    contact_list = ContactListId(queryset=ContactList.objects.all(), help_text="The list's id.")
    venue: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="contact_list.venue", slug_field="slug", read_only=True
    )
    name = JsonString(max_length=120)
    channel = JsonChoice(choices=ContactChannel.choices)
    target = JsonString(max_length=500, help_text="An email address, or an http(s) URL.")
    secret = JsonString(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Webhook: the HMAC-SHA256 signing key. Left out, the stored one stays; "
        '"" removes it. Stored encrypted and never shown.',
    )
    has_secret = serializers.BooleanField(read_only=True, help_text="A secret is stored.")
    quiet_from = JsonTime(
        required=False, allow_null=True, help_text="Venue time quiet hours start, or null."
    )
    quiet_until = JsonTime(
        required=False, allow_null=True, help_text="Venue time they end (may be next day)."
    )
    enabled = JsonBoolean(required=False)

    class Meta:
        model = Contact
        fields = (
            "id",
            "contact_list",
            "venue",
            "name",
            "channel",
            "target",
            "secret",
            "has_secret",
            "quiet_from",
            "quiet_until",
            "enabled",
        )
        read_only_fields = ("id",)


class ContactFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's contacts.")
    contact_list = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only this list's contacts."
    )


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    venue: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Notification
        fields = (
            "id",
            "venue",
            "alert",
            "contact",
            "event",
            "state",
            "attempts",
            "created_at",
            "next_attempt_at",
            "sent_at",
            "last_error",
            "summary",
            "idempotency_key",
        )
        read_only_fields = fields


class NotificationFilterSerializer(serializers.Serializer[dict[str, Any]]):
    venue = serializers.SlugField(required=False, help_text="Only this venue's notifications.")
    state = serializers.ChoiceField(choices=NotificationState.choices, required=False)
    alert = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only this alert's."
    )
