"""Venues: a site whose receivers share a LAN and therefore a Celery queue."""

from __future__ import annotations

from django.db import models

ALL_VENUES = "*"
"""Names the wall of every venue where a venue's slug or id would stand (never a slug)."""


class Venue(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    queue_name = models.CharField(
        max_length=120,
        unique=True,
        help_text="Celery queue the venue's workers consume; they must reach its LAN.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
