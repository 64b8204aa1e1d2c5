"""Venues: a site whose receivers share a LAN and therefore a Celery queue."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models

DEFAULT_STALE_AFTER_POLLS = 3

ALL_VENUES = "*"
"""Names the wall of every venue where a venue's slug or id would stand (never a slug)."""


def validate_time_zone(name: str) -> None:
    """An IANA time zone name this system knows (``Europe/Berlin``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {name!r}") from None


class Venue(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    queue_name = models.CharField(
        max_length=120,
        unique=True,
        help_text="Celery queue the venue's workers consume; they must reach its LAN.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA name; watched and quiet hours use it.",
    )
    battery_good_percent = models.PositiveSmallIntegerField(
        default=61,
        help_text="A transmitter reporting its charge in percent (Sennheiser) is GOOD at or "
        "above this, as four or five of Shure's bars are.",
    )
    battery_replace_percent = models.PositiveSmallIntegerField(
        default=41,
        help_text="REPLACE at or above this and below the GOOD level; CRITICAL below it.",
    )
    battery_replace_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Where the transmitter reports its runtime, REPLACE below this many minutes "
        "left (and GOOD at or above it) instead of by bars. Empty: by bars (or percent).",
    )
    battery_critical_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="CRITICAL below this many minutes of runtime; below the REPLACE level. "
        "Set both levels or neither.",
    )
    stale_after_polls = models.PositiveSmallIntegerField(
        default=DEFAULT_STALE_AFTER_POLLS,
        help_text="A receiver whose last sync is older than this many of its poll intervals "
        "is shown as stale.",
    )
    alert_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days resolved alerts and their notifications are kept; empty: "
        "MICBOARD_ALERT_RETENTION_DAYS.",
    )
    alert_settings_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Moves on every change to the venue's alert rules, watched hours or watched "
        "events: workers keep those settings until it moves (ADR 0039).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
