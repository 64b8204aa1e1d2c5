"""Serializers of alerts and alert rules: what the API shows and the JSON it accepts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from micboard.api.fields import JsonBoolean, JsonInteger, JsonString, VenueSlug
from micboard.models import Alert, AlertRule, AlertState, RuleKind


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


class AlertRuleSerializer(serializers.ModelSerializer[AlertRule]):
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
