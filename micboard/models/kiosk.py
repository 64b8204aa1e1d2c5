"""Kiosk links: revocable, read-only access to one wall for screens that cannot log in."""

from __future__ import annotations

from django.db import models

from micboard.models.venues import Venue


class KioskLink(models.Model):
    """Only a SHA-256 digest of the token is stored; the link is shown once, when created."""

    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kiosk_links",
        help_text="The venue whose wall it shows; empty for the wall of every venue.",
    )
    label = models.CharField(max_length=120, help_text="Where the screen is, e.g. FOH left TV.")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def active(self) -> bool:
        return self.revoked_at is None
