"""The admin by venue role, and the admin of role grants, API tokens and the audit trail.

Every list is narrowed and every change and action checked through
``micboard.selectors.access``. A staff account is needed to open the admin at all; what it
shows and allows there is then the account's venue roles, not Django's model permissions.
Superusers see everything.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html

from micboard.models import ApiToken, AuditEntry, Venue, VenueRoleGrant
from micboard.selectors.access import (
    NO_ACCESS,
    Capability,
    VenueAccess,
    venue_access,
    venue_access_forget,
    venue_id_of,
)
from micboard.services.access import api_token_create, api_tokens_revoke, role_grant, role_revoke
from micboard.services.audit import Actor

M = TypeVar("M", bound=Model)


def admin_access(request: HttpRequest) -> VenueAccess:
    """The roles of the admin's user; none for an account that is not staff."""
    user = request.user
    return venue_access(user=user) if getattr(user, "is_staff", False) else NO_ACCESS


def admin_actor(request: HttpRequest) -> Actor:
    return Actor.of_user(request.user, address=request.META.get("REMOTE_ADDR", ""))


class VenueRoleAdmin(admin.ModelAdmin[M]):
    """Lists show the venues the user may view; adding, changing and deleting need
    ``change_capability`` on the object's venue (reached by ``venue_path``)."""

    venue_path: ClassVar[str] = "venue"
    view_capability: ClassVar[Capability] = Capability.VIEW
    change_capability: ClassVar[Capability | None] = None  # None: nobody changes rows here

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        return admin_access(request).scope(
            super().get_queryset(request), self.venue_path, self.view_capability
        )

    def allowed(self, request: HttpRequest, obj: M | None, capability: Capability | None) -> bool:
        """``capability`` on ``obj``'s venue, or on any venue when there is no object."""
        if capability is None:
            return False
        access = admin_access(request)
        if obj is None:
            ids = access.venue_ids(capability)
            return ids is None or bool(ids)
        return access.may(venue_id_of(obj, self.venue_path), capability)

    def only_allowed(
        self, request: HttpRequest, queryset: QuerySet[M], capability: Capability
    ) -> QuerySet[M] | None:
        """``queryset`` if every row allows ``capability``; else a message and None."""
        allowed = admin_access(request).scope(queryset, self.venue_path, capability)
        refused = queryset.count() - allowed.count()
        if refused:
            self.message_user(
                request,
                f"Nothing done: your role does not allow this on {refused} of the selected.",
                messages.ERROR,
            )
            return None
        return queryset

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.allowed(request, None, self.view_capability)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self.allowed(request, obj, self.view_capability)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.allowed(request, None, self.change_capability)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self.allowed(request, obj, self.change_capability)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self.allowed(request, obj, self.change_capability)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "venue" and self.change_capability is not None:
            kwargs["queryset"] = admin_access(request).scope(
                Venue.objects.order_by("name"), "", self.change_capability
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- role grants ----------------------------------------------------------------------------


class GrantForm(forms.ModelForm[VenueRoleGrant]):
    class Meta:
        model = VenueRoleGrant
        fields = ("venue", "user", "group", "role")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("user") is None) == (cleaned.get("group") is None):
            raise forms.ValidationError("Grant the role to one user or to one group.")
        return cleaned


@admin.register(VenueRoleGrant)
class VenueRoleGrantAdmin(VenueRoleAdmin[VenueRoleGrant]):
    """Who holds which role where. A venue admin grants roles in their venues."""

    form = GrantForm
    list_display = ("venue", "holder", "role", "granted_at", "granted_by")
    list_filter = ("role", "venue")
    list_select_related = ("venue", "user", "group")
    search_fields = ("user__username", "group__name", "venue__name")
    view_capability = Capability.GRANT_ROLES
    change_capability = Capability.GRANT_ROLES

    @admin.display(description="Held by")
    def holder(self, obj: VenueRoleGrant) -> str:
        return obj.holder_name

    def get_readonly_fields(
        self, request: HttpRequest, obj: VenueRoleGrant | None = None
    ) -> tuple[str, ...]:
        return ("venue", "user", "group", "granted_at", "granted_by") if obj else ()

    def save_model(
        self,
        request: HttpRequest,
        obj: VenueRoleGrant,
        form: ModelForm[VenueRoleGrant],
        change: bool,
    ) -> None:
        saved = role_grant(
            venue=obj.venue,
            role=obj.role,
            user=obj.user,
            group=obj.group,
            actor=admin_actor(request),
        )
        obj.pk = saved.pk
        venue_access_forget(user=request.user)

    def delete_model(self, request: HttpRequest, obj: VenueRoleGrant) -> None:
        role_revoke(venue=obj.venue, user=obj.user, group=obj.group, actor=admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[VenueRoleGrant]) -> None:
        for grant in queryset:
            self.delete_model(request, grant)


# --- API tokens -----------------------------------------------------------------------------


_TOKEN_ASKED = ("label", "read_only")
_TOKEN_SHOWN = (
    "user",
    "label",
    "read_only",
    "key_prefix",
    "created_at",
    "created_by",
    "last_used_at",
    "revoked_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """A staff user makes and revokes their own tokens; a superuser anyone's. The key is
    shown once, when made; only its digest is kept."""

    list_display = (
        "label",
        "user",
        "read_only",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("label", "user__username", "key_prefix")
    actions = ("revoke",)

    def _own(self, request: HttpRequest, obj: ApiToken | None) -> bool:
        user = request.user
        if not getattr(user, "is_staff", False):
            return False
        return bool(user.is_superuser) or obj is None or obj.user_id == user.pk

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user_id=request.user.pk or 0)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._own(request, None)

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return self._own(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._own(request, None)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return self._own(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, never deleted: the audit trail names them

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("user", *_TOKEN_ASKED) if request.user.is_superuser else _TOKEN_ASKED
        return _TOKEN_SHOWN

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> tuple[str, ...]:
        return () if obj is None else _TOKEN_SHOWN

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            return
        owner = obj.user if request.user.is_superuser and obj.user_id else request.user
        assert isinstance(owner, User)  # noqa: S101 - the admin's users are auth users
        issued = api_token_create(
            user=owner, label=obj.label, read_only=obj.read_only, actor=admin_actor(request)
        )
        obj.pk = issued.token.pk
        self.message_user(
            request,
            format_html(
                "API key for {}: <code>{}</code> — copy it now, it is not shown again.",
                issued.token.label,
                issued.key,
            ),
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = api_tokens_revoke(
            token_ids=list(queryset.values_list("pk", flat=True)), actor=admin_actor(request)
        )
        self.message_user(request, f"Revoked {count} token(s).")


# --- the audit trail ------------------------------------------------------------------------


@admin.register(AuditEntry)
class AuditEntryAdmin(VenueRoleAdmin[AuditEntry]):
    """Append-only: read here, never changed. Venue admins see their venues' entries."""

    list_display = ("at", "actor", "address", "action", "venue_slug", "target")
    list_filter = ("action", "venue_slug")
    search_fields = ("actor", "target", "venue_slug")
    date_hierarchy = "at"
    view_capability = Capability.VIEW_AUDIT
    change_capability = None
    readonly_fields = (
        "at",
        "actor",
        "actor_user_id",
        "address",
        "action",
        "venue_id",
        "venue_slug",
        "target",
        "changes",
    )

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        if obj is not None and obj.venue_id is None:
            return admin_access(request).superuser
        return super().has_view_permission(request, obj)


class ParentRoleInline(admin.options.InlineModelAdmin[Any, Any]):
    """An inline allows what its parent's admin allows on the parent object."""

    def _parent(self) -> admin.ModelAdmin[Any]:
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_change_permission(request, obj)
