"""Admin of alerts: rules, watched hours, contacts, the alerts list with its actions, the outbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from micboard.admin_access import ParentRoleInline, VenueRoleAdmin, admin_actor
from micboard.composition import alert_service, secret_box
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
from micboard.selectors.access import Capability
from micboard.services.alerts.configuration import (
    ContactInput,
    contact_list_save,
    contact_list_validate,
    contact_save,
    contact_validate,
)
from micboard.services.alerts.rules import rule_save


@admin.register(AlertRule)
class AlertRuleAdmin(VenueRoleAdmin[AlertRule]):
    change_capability = Capability.EDIT_VENUE

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
class WatchedHoursAdmin(VenueRoleAdmin[WatchedHours]):
    change_capability = Capability.EDIT_VENUE

    list_display = ("venue", "weekday", "starts", "ends")
    list_filter = ("venue",)


@admin.register(WatchedEvent)
class WatchedEventAdmin(VenueRoleAdmin[WatchedEvent]):
    change_capability = Capability.EDIT_VENUE

    list_display = ("venue", "name", "starts_at", "ends_at")
    list_filter = ("venue",)


def _form_errors(form: forms.BaseForm, error: MicboardError) -> None:
    for field, problem in error.details.items():
        form.add_error(field if field in form.fields else None, str(problem))
    if not error.details:
        form.add_error(None, error.message)


class ContactForm(forms.ModelForm[Contact]):
    """A contact's secret is write-only: typed in, stored encrypted, never shown again."""

    new_secret = forms.CharField(
        label="Secret",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Webhook signing key. Empty keeps the stored one.",
    )
    remove_secret = forms.BooleanField(required=False, label="Remove secret")

    class Meta:
        model = Contact
        fields = ("name", "channel", "target", "quiet_from", "quiet_until", "enabled")

    def contact_input(self) -> ContactInput:
        data = self.cleaned_data
        secret = data.get("new_secret") or None
        if data.get("remove_secret"):
            secret = ""
        return ContactInput(
            name=data.get("name", ""),
            channel=data.get("channel", ""),
            target=data.get("target", ""),
            quiet_from=data.get("quiet_from"),
            quiet_until=data.get("quiet_until"),
            enabled=bool(data.get("enabled")),
            secret=secret,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or cleaned.get("DELETE"):
            return cleaned
        data = self.contact_input()
        try:
            contact_validate(data=data, had_secret=self.instance.has_secret)
            if data.secret:
                secret_box().encrypt(data.secret)  # no key configured: say so on the form
        except MicboardError as error:
            _form_errors(self, error)
        return cleaned


class ContactInline(ParentRoleInline, admin.TabularInline[Contact, ContactList]):
    model = Contact
    form = ContactForm
    extra = 1
    fields = (
        "name",
        "channel",
        "target",
        "new_secret",
        "remove_secret",
        "secret_set",
        "quiet_from",
        "quiet_until",
        "enabled",
    )
    readonly_fields = ("secret_set",)

    def has_view_permission(self, request: HttpRequest, obj: ContactList | None = None) -> bool:
        """Contacts hold people's addresses: a venue admin's to read, as in the API. Without
        any permission here the admin leaves the inline off the contact list's page."""
        parent = self._parent()
        assert isinstance(parent, VenueRoleAdmin)  # noqa: S101 - ContactListAdmin
        return parent.allowed(request, obj, Capability.VIEW_CONTACTS)

    @admin.display(boolean=True, description="Secret set")
    def secret_set(self, obj: Contact) -> bool:
        return obj.has_secret


class ContactListForm(forms.ModelForm[ContactList]):
    class Meta:
        model = ContactList
        fields = ("venue", "name", "escalation_order")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                contact_list_validate(
                    name=cleaned["name"], escalation_order=cleaned["escalation_order"]
                )
            except MicboardError as error:
                _form_errors(self, error)
        return cleaned


@admin.register(ContactList)
class ContactListAdmin(VenueRoleAdmin[ContactList]):
    change_capability = Capability.EDIT_VENUE

    list_display = ("venue", "name", "escalation_order")
    list_filter = ("venue",)
    inlines = (ContactInline,)
    form = ContactListForm

    def save_model(self, request: HttpRequest, obj: ContactList, form: Any, change: bool) -> None:
        contact_list_save(contact_list=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Contact:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's history message reads, as formset.save() would leave it.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for contact_form in formset.forms:
            instance = contact_form.instance
            if contact_form in formset.deleted_forms:
                if instance.pk:
                    formset.deleted_objects.append(instance)
                    instance.delete()
                continue
            if not contact_form.has_changed():
                continue
            created = not instance.pk
            saved = contact_save(
                contact_list=form.instance,
                data=contact_form.contact_input(),
                box=secret_box(),
                contact=None if created else instance,
            )
            if created:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, contact_form.changed_data))


def _each(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, alerts: QuerySet[Alert], verb: str
) -> None:
    who = request.user.get_username() or "admin"
    actor = admin_actor(request)
    done = 0
    for alert in alerts:
        try:
            if verb == "acknowledged":
                alert_service().alert_acknowledge(alert_id=alert.pk, by=who, actor=actor)
            else:
                alert_service().alert_resolve(alert_id=alert.pk, by=who, actor=actor)
        except MicboardError as error:
            model_admin.message_user(request, f"{alert}: {error.message}", messages.WARNING)
        else:
            done += 1
    model_admin.message_user(request, f"{done} alert(s) {verb}.", messages.SUCCESS)


@admin.register(Alert)
class AlertAdmin(VenueRoleAdmin[Alert]):
    change_capability = Capability.HANDLE_ALERTS

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

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False  # alerts end resolved, and the retention removes them

    @admin.action(description="Acknowledge the selected alerts", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.HANDLE_ALERTS)
        if allowed is not None:
            _each(self, request, allowed, "acknowledged")

    @admin.action(description="Resolve the selected alerts", permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.HANDLE_ALERTS)
        if allowed is not None:
            _each(self, request, allowed, "resolved")


class DeliveryAttemptInline(ParentRoleInline, admin.TabularInline[DeliveryAttempt, Notification]):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("started_at", "duration_ms", "ok", "error")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(VenueRoleAdmin[Notification]):
    view_capability = Capability.VIEW_CONTACTS  # each names a contact's address

    list_display = ("created_at", "venue", "event", "contact", "state", "attempts", "sent_at")
    list_filter = ("state", "event", "venue")
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = (DeliveryAttemptInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
