"""Admin of performers (with their photos), events and assignments; writes go through services.

By venue role: viewers see their venues' rows, operators swap assignments, venue admins
change them (``micboard.admin_access.VenueRoleAdmin``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from micboard.admin_access import VenueRoleAdmin, admin_access
from micboard.composition import photo_limits
from micboard.exceptions import MicboardError
from micboard.models import Assignment, Event, Performer, Receiver
from micboard.selectors.access import Capability
from micboard.selectors.performers import photo_url
from micboard.services import performers as service
from micboard.services.photos import photo_prepare


def _form_errors(form: forms.BaseForm, error: MicboardError) -> None:
    """A service's refusal as errors on the form's fields (or the form) it names."""
    for field, problem in (error.details or {"__all__": error.message}).items():
        form.add_error(field if field in form.fields else None, str(problem))


# --- performers ---------------------------------------------------------------------------


class PerformerForm(forms.ModelForm[Performer]):
    upload = forms.FileField(
        required=False,
        label="Photo",
        help_text="A JPEG, PNG or WebP image; it is resized on the server.",
    )
    remove_photo = forms.BooleanField(required=False, label="Remove the photo")

    class Meta:
        model = Performer
        fields = ("venue", "name", "part", "notes")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = service.PerformerInput(
            cleaned.get("name", ""), cleaned.get("part", ""), cleaned.get("notes", "")
        )
        try:
            service.performer_validate(data=data)
            if upload := cleaned.get("upload"):
                service.photo_file_name(upload.name or "")
                limits = photo_limits()
                upload.seek(0)
                photo_prepare(data=upload.read(limits.max_bytes + 1), limits=limits)
        except MicboardError as error:
            _form_errors(self, error if "photo" not in error.details else _as_upload(error))
        return cleaned


def _as_upload(error: MicboardError) -> MicboardError:
    return MicboardError(error.message, details={"upload": error.details["photo"]})


@admin.register(Performer)
class PerformerAdmin(VenueRoleAdmin[Performer]):
    """Who wears a venue's transmitters; the wall shows the name, part and photo."""

    change_capability = Capability.EDIT_PERFORMERS
    form = PerformerForm
    list_display = ("thumbnail", "name", "part", "venue", "assigned")
    list_display_links = ("thumbnail", "name")
    list_filter = ("venue",)
    list_select_related = ("venue",)
    search_fields = ("name", "part", "notes")
    readonly_fields = ("photo_preview", "photo_source")

    def get_fields(self, request: HttpRequest, obj: Performer | None = None) -> tuple[str, ...]:
        fields: tuple[str, ...] = ("venue", "name", "part", "notes", "upload")
        if obj is not None and obj.photo_tile.name:
            fields += ("photo_preview", "photo_source", "remove_photo")
        return fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: Performer | None = None
    ) -> tuple[str, ...]:
        return ("venue", "photo_preview", "photo_source") if obj else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Performer]:
        return super().get_queryset(request).prefetch_related("assignments__receiver")

    @admin.display(description="Photo")
    def thumbnail(self, obj: Performer) -> str:
        url = photo_url(obj)
        return format_html('<img src="{}" alt="" width="40" height="40">', url) if url else "—"

    @admin.display(description="Photo")
    def photo_preview(self, obj: Performer) -> str:
        url = photo_url(obj, size="photo")
        return format_html('<img src="{}" alt="" style="max-width:256px">', url) if url else "—"

    @admin.display(description="Assigned to")
    def assigned(self, obj: Performer) -> str:
        slots = sorted(f"{a.receiver.name} ch{a.channel_number}" for a in obj.assignments.all())
        return ", ".join(dict.fromkeys(slots)) or "—"

    def save_model(
        self, request: HttpRequest, obj: Performer, form: ModelForm[Performer], change: bool
    ) -> None:
        data = service.PerformerInput(obj.name, obj.part, obj.notes)
        try:
            if change:
                performer = service.performer_update(performer=obj, data=data)
            else:
                performer = service.performer_create(venue=obj.venue, data=data)
                obj.pk = performer.pk
            upload = form.cleaned_data.get("upload")
            if upload:
                upload.seek(0)
                limits = photo_limits()
                service.performer_photo_set(
                    performer=performer,
                    data=upload.read(limits.max_bytes + 1),
                    filename=upload.name or "",
                    limits=limits,
                )
            elif form.cleaned_data.get("remove_photo"):
                service.performer_photo_clear(performer=performer)
        except MicboardError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Performer) -> None:
        service.performer_delete(performer=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Performer]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.EDIT_PERFORMERS)
        for performer in allowed if allowed is not None else ():
            service.performer_delete(performer=performer)


# --- events -------------------------------------------------------------------------------


class VenueTimeField(forms.DateTimeField):
    """A date and time as entered, without a time zone: the service reads it in the venue's."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        return timezone.make_naive(parsed) if parsed and timezone.is_aware(parsed) else parsed

    def prepare_value(self, value: Any) -> Any:
        return value


class EventForm(forms.ModelForm[Event]):
    starts_at = VenueTimeField(help_text="In the venue's time zone.")
    ends_at = VenueTimeField(help_text="In the venue's time zone; later than the start.")

    class Meta:
        model = Event
        fields = ("venue", "name", "starts_at", "ends_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event = self.instance
        if event.pk:
            zone = ZoneInfo(event.venue.time_zone)
            for name in ("starts_at", "ends_at"):
                self.initial[name] = timezone.make_naive(getattr(event, name), zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        venue = cleaned.get("venue") or (self.instance.venue if self.instance.pk else None)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if venue and starts_at and ends_at:
            data = service.EventInput(cleaned.get("name", ""), starts_at, ends_at)
            try:
                values = service.event_validate(venue=venue, data=data)
            except MicboardError as error:
                _form_errors(self, error)
            else:
                # As aware times from here on: the row and the service read them so.
                cleaned["starts_at"], cleaned["ends_at"] = values["starts_at"], values["ends_at"]
        return cleaned


@admin.register(Event)
class EventAdmin(VenueRoleAdmin[Event]):
    """Named, timed sessions: while one runs, its assignments win over the standing ones."""

    change_capability = Capability.EDIT_PERFORMERS
    form = EventForm
    list_display = ("name", "venue", "starts", "ends")
    list_filter = ("venue",)
    list_select_related = ("venue",)
    search_fields = ("name",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Event | None = None
    ) -> tuple[str, ...]:
        return ("venue",) if obj else ()

    @staticmethod
    def _local(obj: Event, value: datetime) -> str:
        return f"{timezone.localtime(value, ZoneInfo(obj.venue.time_zone)):%Y-%m-%d %H:%M}"

    @admin.display(description="Starts (venue time)", ordering="starts_at")
    def starts(self, obj: Event) -> str:
        return self._local(obj, obj.starts_at)

    @admin.display(description="Ends (venue time)", ordering="ends_at")
    def ends(self, obj: Event) -> str:
        return self._local(obj, obj.ends_at)

    def save_model(
        self, request: HttpRequest, obj: Event, form: ModelForm[Event], change: bool
    ) -> None:
        data = service.EventInput(obj.name, obj.starts_at, obj.ends_at)
        try:
            if change:
                service.event_update(event=obj, data=data)
            else:
                obj.pk = service.event_create(venue=obj.venue, data=data).pk
        except MicboardError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Event) -> None:
        service.event_delete(event=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.EDIT_PERFORMERS)
        for event in allowed if allowed is not None else ():
            service.event_delete(event=event)


# --- assignments --------------------------------------------------------------------------


class AssignmentForm(forms.ModelForm[Assignment]):
    class Meta:
        model = Assignment
        fields = ("performer", "receiver", "channel_number", "event")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        performer, receiver = cleaned.get("performer"), cleaned.get("receiver")
        number = cleaned.get("channel_number")
        if performer and receiver and number:
            data = service.AssignmentInput(performer, receiver, number, cleaned.get("event"))
            try:
                service.assignment_validate(data=data)
            except MicboardError as error:
                _form_errors(self, error)
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(VenueRoleAdmin[Assignment]):
    """Who wears which channel: standing, or for one event."""

    change_capability = Capability.EDIT_PERFORMERS
    form = AssignmentForm
    list_display = ("performer", "receiver", "channel_number", "scope", "venue")
    list_filter = ("venue", "event")
    list_select_related = ("venue", "performer", "receiver", "event")
    search_fields = ("performer__name", "receiver__name")
    actions = ("swap",)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        """Performers, receivers and events offered are those of venues the user edits."""
        models = {"performer": Performer, "receiver": Receiver, "event": Event}
        if db_field.name in models:
            kwargs["queryset"] = admin_access(request).scope(
                models[db_field.name]._default_manager.all(), "venue", Capability.EDIT_PERFORMERS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_swap_permission(self, request: HttpRequest) -> bool:
        return self.allowed(request, None, Capability.SWAP_ASSIGNMENTS)

    @admin.display(description="Event", ordering="event__starts_at")
    def scope(self, obj: Assignment) -> str:
        return obj.event.name if obj.event else "standing"

    def save_model(
        self, request: HttpRequest, obj: Assignment, form: ModelForm[Assignment], change: bool
    ) -> None:
        data = service.AssignmentInput(obj.performer, obj.receiver, obj.channel_number, obj.event)
        try:
            if change:
                service.assignment_update(assignment=obj, data=data)
            else:
                obj.pk = service.assignment_create(data=data).pk
        except MicboardError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        service.assignment_delete(assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.EDIT_PERFORMERS)
        for assignment in allowed if allowed is not None else ():
            service.assignment_delete(assignment=assignment)

    @admin.action(
        description="Swap the performers of the two selected assignments", permissions=["swap"]
    )
    def swap(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        allowed = self.only_allowed(request, queryset, Capability.SWAP_ASSIGNMENTS)
        if allowed is None:
            return
        chosen = list(allowed.select_related("performer", "receiver", "event")[:3])
        if len(chosen) != 2:
            self.message_user(request, "Select exactly two assignments to swap.", messages.ERROR)
            return
        first, second = chosen
        names = (first.performer.name, second.performer.name)
        if first.event_id != second.event_id:
            self.message_user(
                request,
                "Both assignments must be standing, or for the same event.",
                messages.ERROR,
            )
            return
        try:
            service.assignment_swap(
                assignment=first, receiver=second.receiver, channel_number=second.channel_number
            )
        except MicboardError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            f"Swapped: {names[1]} is on {first.receiver.name} ch{first.channel_number}, "
            f"{names[0]} on {second.receiver.name} ch{second.channel_number}.",
        )
