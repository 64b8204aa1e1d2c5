"""Admin of the display wall: channel groups and kiosk links; writes go through services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from micboard.admin_access import ParentRoleInline, VenueRoleAdmin, admin_access, admin_actor
from micboard.exceptions import MicboardError
from micboard.models import Channel, ChannelGroup, ChannelGroupMember, KioskLink
from micboard.selectors import listings
from micboard.selectors.access import Capability
from micboard.services.groups import (
    GroupInput,
    group_create,
    group_delete,
    group_update,
    group_validate,
)
from micboard.services.kiosk import kiosk_link_create, kiosk_links_revoke


class ChannelChoiceField(forms.ModelChoiceField[Channel]):
    def label_from_instance(self, obj: Channel) -> str:
        return f"{obj.name or '(unnamed)'} — {obj.receiver.name} ch{obj.number}"


def _ordered_channel_ids(formset: BaseInlineFormSet[Any, Any, Any]) -> tuple[int, ...]:
    rows = [
        (form.cleaned_data["position"], index, form.cleaned_data["channel"].pk)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data.get("channel") and not form.cleaned_data.get("DELETE")
    ]
    return tuple(pk for _, _, pk in sorted(rows))


class MemberFormSet(BaseInlineFormSet[ChannelGroupMember, ChannelGroup, Any]):
    """Validates the whole group with the service, as the API does."""

    def clean(self) -> None:
        super().clean()
        group = self.instance
        if any(self.errors) or group.venue_id is None:
            return
        data = GroupInput(group.number, group.title, _ordered_channel_ids(self))
        try:
            group_validate(venue=group.venue, data=data)
        except MicboardError as error:
            problems = error.details or {"group": error.message}
            raise forms.ValidationError([str(problem) for problem in problems.values()]) from None


class ChannelGroupMemberInline(
    ParentRoleInline, admin.TabularInline[ChannelGroupMember, ChannelGroup]
):
    model = ChannelGroupMember
    formset = MemberFormSet
    fields = ("position", "channel")
    ordering = ("position", "pk")
    extra = 1

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "channel":
            kwargs["form_class"] = ChannelChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(
        self, request: HttpRequest, obj: ChannelGroup | None = None, **kwargs: Any
    ) -> Any:
        """Offers the group's own venue's channels once the venue is known."""
        formset = super().get_formset(request, obj, **kwargs)
        field = cast("ChannelChoiceField", formset.form.base_fields["channel"])
        field.queryset = listings.channel_choices(venue=obj.venue if obj else None)
        return formset


@admin.register(ChannelGroup)
class ChannelGroupAdmin(VenueRoleAdmin[ChannelGroup]):
    """Number keys 0-9 on a venue's wall show these groups."""

    change_capability = Capability.EDIT_CHANNELS
    list_display = ("venue", "number", "title", "channel_count")
    list_filter = ("venue",)
    list_select_related = ("venue",)
    search_fields = ("title", "venue__name")
    ordering = ("venue__name", "number")
    fields = ("venue", "number", "title")
    inlines = (ChannelGroupMemberInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChannelGroup]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="Channels", ordering="member_total")
    def channel_count(self, obj: ChannelGroup) -> int:
        return int(getattr(obj, "member_total", 0))

    def get_readonly_fields(
        self, request: HttpRequest, obj: ChannelGroup | None = None
    ) -> tuple[str, ...]:
        return ("venue",) if obj else ()

    def save_model(
        self, request: HttpRequest, obj: ChannelGroup, form: ModelForm[ChannelGroup], change: bool
    ) -> None:
        """Saved with its members in ``save_related``, by the service."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[ChannelGroup], formsets: Any, change: bool
    ) -> None:
        group = form.instance
        data = GroupInput(group.number, group.title, _ordered_channel_ids(formsets[0]))
        if change:
            group_update(group=group, data=data, actor=admin_actor(request))
        else:
            group.pk = group_create(venue=group.venue, data=data, actor=admin_actor(request)).pk

    def construct_change_message(
        self,
        request: HttpRequest,
        form: forms.Form,
        formsets: Any,
        add: bool = False,
    ) -> list[dict[str, Any]]:
        # The service saved the members, not the formsets: log the group's own fields.
        return super().construct_change_message(request, form, [], add)

    def delete_model(self, request: HttpRequest, obj: ChannelGroup) -> None:
        group_delete(group=obj, actor=admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ChannelGroup]) -> None:
        for group in queryset:
            group_delete(group=group, actor=admin_actor(request))


@admin.register(KioskLink)
class KioskLinkAdmin(VenueRoleAdmin[KioskLink]):
    """Read-only wall links for screens that cannot log in; the link is shown once. A link
    to the wall of every venue (no venue) is a superuser's to make."""

    change_capability = Capability.MANAGE_KIOSK
    list_display = ("label", "wall", "status", "created_at", "created_by", "revoked_at")
    list_filter = ("venue", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("venue",)
    search_fields = ("label", "venue__name")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: KioskLink | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("venue", "label")
        return ("venue", "label", "created_at", "created_by", "revoked_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: KioskLink | None = None
    ) -> tuple[str, ...]:
        return ("venue", "created_at", "created_by", "revoked_at") if obj else ()

    @admin.display(description="Wall", ordering="venue__name")
    def wall(self, obj: KioskLink) -> str:
        return obj.venue.name if obj.venue else "All venues"

    @admin.display(description="Status", ordering="revoked_at")
    def status(self, obj: KioskLink) -> str:
        return "Active" if obj.active else "Revoked"

    def get_form(
        self,
        request: HttpRequest,
        obj: KioskLink | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "venue" in form.base_fields:
            form.base_fields["venue"].required = not admin_access(request).superuser
        return form

    def save_model(
        self, request: HttpRequest, obj: KioskLink, form: ModelForm[KioskLink], change: bool
    ) -> None:
        if not admin_access(request).may(obj.venue_id, Capability.MANAGE_KIOSK):
            raise PermissionDenied
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = kiosk_link_create(
            venue=obj.venue,
            label=obj.label,
            created_by=request.user.get_username(),
            actor=admin_actor(request),
        )
        obj.pk = issued.link.pk
        url = request.build_absolute_uri(reverse("micboard-kiosk", args=[issued.token]))
        self.message_user(
            request,
            format_html(
                "Kiosk link for {}: <a href='{}'>{}</a> — copy it now, it is not shown again.",
                obj.label,
                url,
                url,
            ),
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[KioskLink]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.MANAGE_KIOSK)
        if allowed is None:
            return
        count = kiosk_links_revoke(
            link_ids=list(allowed.values_list("pk", flat=True)), actor=admin_actor(request)
        )
        self.message_user(
            request, f"Revoked {count} kiosk link(s); their screens stop within a minute."
        )
