"""Venue roles and API tokens: who may see and change which venue, and how a script proves it.

A role is held per venue, by a user or by a Django group; a user's role in a venue is the
highest of their own and their groups'. Superusers hold every role everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from micboard.models.venues import Venue


class VenueRole(models.TextChoices):
    """Ordered: each role may do what the ones before it may."""

    VIEWER = "viewer", "Viewer"
    OPERATOR = "operator", "Operator"
    VENUE_ADMIN = "venue_admin", "Venue admin"

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)


ROLE_ORDER: tuple[VenueRole, ...] = (VenueRole.VIEWER, VenueRole.OPERATOR, VenueRole.VENUE_ADMIN)


class VenueRoleGrant(models.Model):
    """One role in one venue, held by exactly one user or one group."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="role_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="micboard_venue_roles",
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="micboard_venue_roles",
    )
    role = models.CharField(max_length=16, choices=VenueRole.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["venue__name", "role"]
        constraints = [
            models.CheckConstraint(
                name="venue_role_grant_one_holder",
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["venue", "user"],
                condition=models.Q(user__isnull=False),
                name="venue_role_grant_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["venue", "group"],
                condition=models.Q(group__isnull=False),
                name="venue_role_grant_one_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} is {self.get_role_display()} of {self.venue}"

    @property
    def holder_name(self) -> str:
        if self.user is not None:
            return str(self.user.get_username())
        return f"group {self.group}"


class ApiToken(models.Model):
    """A user's API key. Only a SHA-256 digest is stored; the key is shown once, when made.

    A token acts with its user's venue roles; a read-only token acts as a viewer at most.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="micboard_api_tokens"
    )
    label = models.CharField(max_length=120, help_text="What uses it, e.g. the FOH script.")
    read_only = models.BooleanField(
        default=False, help_text="Reads only, whatever roles its user holds."
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters, to tell it apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True, default="")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.label} ({self.key_prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
