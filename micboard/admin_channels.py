"""The admin of channels and their telemetry: read-only, values as people read them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from micboard.admin_access import ParentRoleInline, VenueRoleAdmin
from micboard.formatting import (
    format_audio,
    format_frequency,
    format_gain,
    format_rf,
    format_runtime,
)
from micboard.models import Channel, Receiver, TelemetrySample


class ChannelValues:
    """Channel values as people read them: runtime as H:MM, frequency in MHz, levels with
    their units, the state in the wall's colour."""

    class Media:
        css = {"all": ("micboard/states.css", "micboard/admin.css")}

    @admin.display(description="Runtime", ordering="runtime_minutes")
    def runtime(self, obj: Channel) -> str:
        return format_runtime(obj.runtime_minutes)

    @admin.display(description="MHz", ordering="frequency_khz")
    def frequency(self, obj: Channel) -> str:
        return format_frequency(obj.frequency_khz)

    @admin.display(description="State", ordering="state")
    def state_badge(self, obj: Channel) -> str:
        return format_html(
            '<span class="state-badge" data-state="{}">{}</span>',
            obj.state,
            obj.get_state_display(),
        )

    @admin.display(description="RF (last poll)", ordering="rf_level")
    def rf(self, obj: Channel) -> str:
        return format_rf(obj.rf_level)

    @admin.display(description="Audio (last poll)", ordering="audio_level")
    def audio(self, obj: Channel) -> str:
        return format_audio(obj.audio_level)

    @admin.display(description="Gain", ordering="audio_gain_db")
    def audio_gain(self, obj: Channel) -> str:
        return format_gain(obj.audio_gain_db)


class ChannelInline(ChannelValues, ParentRoleInline, admin.TabularInline[Channel, Receiver]):
    model = Channel
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "name",
        "state_badge",
        "frequency",
        "battery_bars",
        "battery_percent",
        "runtime",
        "tx_type",
        "rf",
        "rf_quality",
        "audio",
        "antenna",
        "muted",
        "audio_gain",
        "group_channel",
        "warnings",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Receiver | None = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(ChannelValues, VenueRoleAdmin[Channel]):
    """Every transmitter at a glance; values come from the receivers, so read-only."""

    list_display = (
        "receiver",
        "number",
        "name",
        "state_badge",
        "battery_bars",
        "runtime",
        "frequency",
        "tx_type",
        "updated_at",
    )
    list_filter = ("receiver__venue", "state", "receiver__family")
    search_fields = ("name", "receiver__name", "receiver__host")
    list_select_related = ("receiver",)
    ordering = ("receiver__venue", "receiver__name", "number")
    venue_path = "receiver__venue"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Channel | None = None) -> bool:
        return False


@admin.register(TelemetrySample)
class TelemetrySampleAdmin(VenueRoleAdmin[TelemetrySample]):
    list_display = ("channel", "recorded_at", "state", "battery_bars", "runtime_minutes")
    list_filter = ("state",)
    list_select_related = ("channel__receiver",)
    date_hierarchy = "recorded_at"
    venue_path = "channel__receiver__venue"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: TelemetrySample | None = None
    ) -> bool:
        return False
