"""Admin of alerts: rules, watched hours, contacts, the alerts list with its actions, the outbox."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from micboard.composition import alert_service
from micboard.exceptions import MicboardError
from micboard.models import (
    Alert,
    AlertRule,
    Contact,
    ContactList,
    DeliveryAttempt,
    Notification,
    WatchedEvent,
    WatchedHours,
)
from micboard.services.alerts.rules import rule_save


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin[AlertRule]):
    list_display = (
        "venue",
        "kind",
        "enabled",
        "runtime_minutes",
        "delay_seconds",
        "hold_seconds",
        "watched_hours_only",
        "escalate_after_minutes",
    )
    list_filter = ("venue", "kind", "enabled")
    list_editable = ("enabled",)

    def save_model(self, request: HttpRequest, obj: AlertRule, form: Any, change: bool) -> None:
        rule_save(rule=obj)


@admin.register(WatchedHours)
class WatchedHoursAdmin(admin.ModelAdmin[WatchedHours]):
    list_display = ("venue", "weekday", "starts", "ends")
    list_filter = ("venue",)


@admin.register(WatchedEvent)
class WatchedEventAdmin(admin.ModelAdmin[WatchedEvent]):
    list_display = ("venue", "name", "starts_at", "ends_at")
    list_filter = ("venue",)


class ContactInline(admin.TabularInline[Contact, ContactList]):
    model = Contact
    extra = 1
    fields = ("name", "channel", "target", "secret", "quiet_from", "quiet_until", "enabled")


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin[ContactList]):
    list_display = ("venue", "name", "escalation_order")
    list_filter = ("venue",)
    inlines = (ContactInline,)


def _each(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, alerts: QuerySet[Alert], verb: str
) -> None:
    who = request.user.get_username() or "admin"
    done = 0
    for alert in alerts:
        try:
            if verb == "acknowledged":
                alert_service().alert_acknowledge(alert_id=alert.pk, by=who)
            else:
                alert_service().alert_resolve(alert_id=alert.pk, by=who)
        except MicboardError as error:
            model_admin.message_user(request, f"{alert}: {error.message}", messages.WARNING)
        else:
            done += 1
    model_admin.message_user(request, f"{done} alert(s) {verb}.", messages.SUCCESS)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin[Alert]):
    list_display = (
        "summary",
        "venue",
        "rule",
        "state",
        "count",
        "opened_at",
        "acknowledged_by",
        "resolved_at",
        "resolved_by",
    )
    list_filter = ("state", "venue", "rule__kind")
    search_fields = ("summary",)
    actions = ("acknowledge", "resolve")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return super().get_queryset(request).select_related("venue", "rule")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Acknowledge the selected alerts", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        _each(self, request, queryset, "acknowledged")

    @admin.action(description="Resolve the selected alerts", permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        _each(self, request, queryset, "resolved")


class DeliveryAttemptInline(admin.TabularInline[DeliveryAttempt, Notification]):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("started_at", "duration_ms", "ok", "error")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "venue", "event", "contact", "state", "attempts", "sent_at")
    list_filter = ("state", "event", "venue")
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = (DeliveryAttemptInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
