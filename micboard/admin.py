"""The operators' admin: status at a glance; writes go through the service layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from micboard import __version__
from micboard.admin_access import VenueRoleAdmin, admin_access, admin_actor
from micboard.admin_channels import ChannelInline
from micboard.admin_receiver_form import ReceiverAdminForm
from micboard.composition import device_service, location_service, sync_service
from micboard.exceptions import MicboardError
from micboard.formatting import (
    format_age,
)
from micboard.models import Receiver, Venue
from micboard.selectors import listings
from micboard.selectors.access import Capability
from micboard.selectors.dispatch_stats import venue_dispatch_summary, venue_recent_cycles
from micboard.selectors.freshness import receiver_is_stale, venue_liveness_of
from micboard.services.certificates import receiver_certificate_reset
from micboard.services.dto import ReceiverInput
from micboard.services.locations import venue_runtime_levels_set
from micboard.services.validation import validate_runtime_levels


def _resync(model_admin: admin.ModelAdmin[Any], request: HttpRequest, ids: list[int]) -> None:
    """The admin's "Resync now": the same service call as the API and the command line."""
    user = request.user.get_username() if request.user.is_authenticated else "admin"
    report = sync_service().receivers_resync(
        receiver_ids=ids, requested_by=user, actor=admin_actor(request)
    )
    model_admin.message_user(
        request,
        f"Resync queued for {len(report.enqueued)} receiver(s); "
        f"{report.coalesced} coalesced with one already queued or just run; "
        f"{len(report.disabled)} disabled.",
        messages.SUCCESS,
    )


admin.site.site_header = f"micboard {__version__}"
admin.site.site_title = "micboard"

_STATUS_COLOURS = {"online": "#1a7f37", "offline": "#8250df", "unknown": "#6e7781"}
_STALE_BADGE = (
    '<span style="color:#fff;background:#57606a;padding:2px 6px;border-radius:3px;'
    'border:1px dashed #d0d7de" title="last sync {}">Stale ({})</span>'
)


class VenueAdminForm(forms.ModelForm[Venue]):
    """Runtime levels are checked by the service's rules, as the API checks them."""

    class Meta:
        model = Venue
        fields = (
            "name",
            "slug",
            "time_zone",
            "stale_after_polls",
            "battery_replace_minutes",
            "battery_critical_minutes",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            validate_runtime_levels(
                replace_minutes=cleaned.get("battery_replace_minutes"),
                critical_minutes=cleaned.get("battery_critical_minutes"),
            )
        except MicboardError as error:
            for field, problem in error.details.items():
                self.add_error(field if field in self.fields else None, str(problem))
        return cleaned


@admin.register(Venue)
class VenueAdmin(VenueRoleAdmin[Venue]):
    form = VenueAdminForm
    list_display = (
        "name",
        "slug",
        "queue_name",
        "receiver_count",
        "offline_count",
        "stale_count",
        "worker_status",
    )
    search_fields = ("name", "slug")
    fields = (
        "name",
        "slug",
        "time_zone",
        "queue_name",
        "stale_after_polls",
        "alert_retention_days",
        "battery_replace_minutes",
        "battery_critical_minutes",
        "worker_status",
        "created_at",
        "dispatch_statistics",
    )
    actions = ("resync_venues",)
    venue_path = ""
    change_capability = Capability.EDIT_VENUE

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return admin_access(request).may(None, Capability.CREATE_VENUE)

    def has_delete_permission(self, request: HttpRequest, obj: Venue | None = None) -> bool:
        return admin_access(request).may(None, Capability.REMOVE_VENUE)

    def has_resync_permission(self, request: HttpRequest) -> bool:
        return self.allowed(request, None, Capability.RESYNC)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Venue]:
        return listings.venues_with_totals(venues=super().get_queryset(request))

    @admin.display(description="Receivers", ordering="receiver_total")
    def receiver_count(self, obj: Venue) -> int:
        return int(getattr(obj, "receiver_total", 0))

    @admin.display(description="Offline", ordering="offline_total")
    def offline_count(self, obj: Venue) -> int:
        return int(getattr(obj, "offline_total", 0))

    @admin.display(description="Stale")
    def stale_count(self, obj: Venue) -> int:
        return venue_liveness_of(now=timezone.now(), venue=obj).stale

    @admin.display(description="Venue worker")
    def worker_status(self, obj: Venue) -> str:
        if obj.pk is None:
            return "—"
        liveness = venue_liveness_of(now=timezone.now(), venue=obj)
        return liveness.not_reporting_message() or "reporting"

    @admin.display(description="Dispatcher (last hour and recent cycles)")
    def dispatch_statistics(self, obj: Venue) -> str:
        if obj.pk is None:
            return "—"
        summary = venue_dispatch_summary(
            venue_id=obj.pk, now=timezone.now(), window=timedelta(hours=1)
        )
        return render_to_string(
            "admin/micboard/dispatch_statistics.html",
            {"summary": summary, "cycles": venue_recent_cycles(venue_id=obj.pk)},
        )

    @admin.action(
        description="Resync every receiver of the selected venues", permissions=["resync"]
    )
    def resync_venues(self, request: HttpRequest, queryset: QuerySet[Venue]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.RESYNC)
        if allowed is not None:
            _resync(self, request, listings.receiver_ids_of_venues(venues=allowed))

    def save_model(
        self, request: HttpRequest, obj: Venue, form: ModelForm[Venue], change: bool
    ) -> None:
        if change:
            location_service().venue_update(
                venue=obj,
                values={name: form.cleaned_data[name] for name in form.changed_data},
                actor=admin_actor(request),
            )
            return
        created = location_service().venue_create(
            name=obj.name, slug=obj.slug, actor=admin_actor(request)
        )
        obj.pk, obj.queue_name = created.pk, created.queue_name
        if obj.time_zone != created.time_zone:  # watched and quiet hours are in venue time
            Venue.objects.filter(pk=created.pk).update(time_zone=obj.time_zone)
        venue_runtime_levels_set(
            venue=created,
            replace_minutes=obj.battery_replace_minutes,
            critical_minutes=obj.battery_critical_minutes,
            actor=admin_actor(request),
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Venue | None = None
    ) -> tuple[str, ...]:
        # The slug names the venue's queue, which its workers consume: fixed once created.
        if obj is None:
            return (
                "queue_name",
                "stale_after_polls",
                "worker_status",
                "created_at",
                "dispatch_statistics",
            )
        return ("slug", "queue_name", "worker_status", "created_at", "dispatch_statistics")

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Venue | None = None
    ) -> dict[str, Sequence[str]]:
        return {} if obj else {"slug": ("name",)}

    def delete_model(self, request: HttpRequest, obj: Venue) -> None:
        location_service().venue_delete(venue=obj, actor=admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Venue]) -> None:
        for venue in queryset:
            location_service().venue_delete(venue=venue, actor=admin_actor(request))


@admin.register(Receiver)
class ReceiverAdmin(VenueRoleAdmin[Receiver]):
    form = ReceiverAdminForm
    # Narrow enough for 1600 px without scrolling sideways; the page has the rest.
    change_capability = Capability.EDIT_RECEIVERS
    list_display = (
        "name",
        "venue_name",
        "model",
        "address",
        "status_badge",
        "last_seen",
        "failures",
        "short_error",
        "enabled",
    )
    list_filter = ("venue", "status", "family", "enabled")

    class Media:
        css = {"all": ("micboard/admin.css",)}

    search_fields = ("name", "host", "device_id", "venue__name")
    list_select_related = ("venue",)
    inlines = (ChannelInline,)
    actions = ("resync_now", "enable_polling", "disable_polling", "reset_certificate_pin")
    fields = (
        "venue",
        "name",
        "model",
        "protocol",
        "host",
        "port",
        "poll_interval",
        "enabled",
        "new_device_password",
        "status",
        "family",
        "channel_count",
        "firmware",
        "device_id",
        "last_seen_at",
        "last_sync_at",
        "last_sync_result",
        "last_sync_duration_ms",
        "next_sync_at",
        "consecutive_failures",
        "last_error",
        "request_form",
        "skipped_messages",
        "last_skipped_message",
        "resent_requests",
        "resync_requested_at",
        "resync_requested_by",
        "certificate_sha256",
        "certificate_pinned_at",
    )
    readonly_fields = fields[9:]

    @admin.display(description="Last seen", ordering="last_seen_at")
    def last_seen(self, obj: Receiver) -> str:
        if obj.last_seen_at is None:
            return "never"
        seconds = (timezone.now() - obj.last_seen_at).total_seconds()
        at = f"{timezone.localtime(obj.last_seen_at):%Y-%m-%d %H:%M:%S}"
        return format_html('<span title="{}">{}</span>', at, format_age(seconds))

    @admin.display(description="Failures", ordering="consecutive_failures")
    def failures(self, obj: Receiver) -> int:
        """Consecutive failed polls (0 once one answers)."""
        return obj.consecutive_failures

    @admin.display(description="Venue", ordering="venue__name")
    def venue_name(self, obj: Receiver) -> str:
        return format_html('<span class="cut" title="{0}">{0}</span>', obj.venue.name)

    @admin.display(description="Last error", ordering="last_error")
    def short_error(self, obj: Receiver) -> str:
        """The error on one line, cut to fit (admin.css); all of it on hover and on its page."""
        if not obj.last_error:
            return "—"
        return format_html('<span class="cut last-error" title="{0}">{0}</span>', obj.last_error)

    @admin.display(description="Address")
    def address(self, obj: Receiver) -> str:
        return f"{obj.host}:{obj.port}"

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj: Receiver) -> str:
        if receiver_is_stale(obj, now=timezone.now(), polls=obj.venue.stale_after_polls):
            synced = obj.last_sync_at
            when = f"{timezone.localtime(synced):%Y-%m-%d %H:%M:%S}" if synced else "never"
            return format_html(_STALE_BADGE, when, obj.get_status_display())
        colour = _STATUS_COLOURS.get(obj.status, "#6e7781")
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 6px;border-radius:3px">{}</span>',
            colour,
            obj.get_status_display(),
        )

    def save_model(
        self, request: HttpRequest, obj: Receiver, form: ModelForm[Receiver], change: bool
    ) -> None:
        password = form.cleaned_data.get("new_device_password") or None  # empty: kept
        data = replace(ReceiverInput.from_values(form.cleaned_data), device_password=password)
        actor = admin_actor(request)
        if change:
            device_service().receiver_update(receiver=obj, data=data, actor=actor)
        else:
            obj.pk = device_service().receiver_register(venue=obj.venue, data=data, actor=actor).pk

    def delete_model(self, request: HttpRequest, obj: Receiver) -> None:
        device_service().receiver_remove(receiver=obj, actor=admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Receiver]) -> None:
        for receiver in queryset:
            device_service().receiver_remove(receiver=receiver, actor=admin_actor(request))

    def has_resync_permission(self, request: HttpRequest) -> bool:
        return self.allowed(request, None, Capability.RESYNC)

    @admin.action(description="Resync now", permissions=["resync"])
    def resync_now(self, request: HttpRequest, queryset: QuerySet[Receiver]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.RESYNC)
        if allowed is not None:
            _resync(self, request, list(allowed.values_list("pk", flat=True)))

    def _set_polling(
        self, request: HttpRequest, queryset: QuerySet[Receiver], *, enabled: bool
    ) -> None:
        allowed = self.only_allowed(request, queryset, Capability.EDIT_RECEIVERS)
        if allowed is None:
            return
        count = device_service().receiver_set_enabled(
            receiver_ids=list(allowed.values_list("pk", flat=True)),
            enabled=enabled,
            actor=admin_actor(request),
        )
        word = "enabled" if enabled else "disabled"
        self.message_user(request, f"Polling {word} for {count} receiver(s).")

    @admin.action(description="Enable polling", permissions=["change"])
    def enable_polling(self, request: HttpRequest, queryset: QuerySet[Receiver]) -> None:
        self._set_polling(request, queryset, enabled=True)

    @admin.action(description="Disable polling", permissions=["change"])
    def disable_polling(self, request: HttpRequest, queryset: QuerySet[Receiver]) -> None:
        self._set_polling(request, queryset, enabled=False)

    @admin.action(description="Reset pinned certificate", permissions=["change"])
    def reset_certificate_pin(self, request: HttpRequest, queryset: QuerySet[Receiver]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.EDIT_RECEIVERS)
        if allowed is None:
            return
        pinned = list(allowed.exclude(certificate_sha256="").select_related("venue"))
        for receiver in pinned:
            receiver_certificate_reset(receiver=receiver, actor=admin_actor(request))
        self.message_user(
            request,
            f"Certificate pin reset for {len(pinned)} receiver(s); "
            "each pins the certificate its next poll meets.",
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"poll_interval": 5, "port": 2202, "protocol": "shure-tcp"}


from micboard import admin_alerts, admin_performers, admin_wall  # noqa: E402,F401
