"""Performers and who wears which channel: standing assignments, and assignments for events.

An assignment names a channel slot (a receiver and its channel number), not a ``Channel``
row: the slot exists before the receiver's first poll and survives a channel being
renamed on the device.
"""

from __future__ import annotations

from django.db import models

from micboard.models.receivers import Receiver
from micboard.models.venues import Venue


class Performer(models.Model):
    """Someone who wears a transmitter at a venue: the wall shows the name, part and photo."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="performers")
    name = models.CharField(max_length=120)
    part = models.CharField(
        max_length=120, blank=True, default="", help_text="Part or role, e.g. Act 2 lead."
    )
    notes = models.TextField(blank=True, default="")
    photo = models.FileField(
        max_length=255, blank=True, default="", help_text="Resized photo, in storage."
    )
    photo_tile = models.FileField(
        max_length=255, blank=True, default="", help_text="The photo at the wall's tile size."
    )
    photo_source = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="File name the photo was uploaded as (the CSV's photo column).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="performer_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.part})" if self.part else self.name


class Event(models.Model):
    """A named, timed session ("Sunday 9:00", "Hamlet, Act 1"); times are stored in UTC and
    entered and shown in the venue's time zone."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["venue", "starts_at", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="event_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A performer on a channel slot: standing (no event) or for one event. An event's
    assignment wins over the standing one while the event runs."""

    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        related_name="assignments",
        help_text="The performer's, receiver's and event's venue (one for all three).",
    )
    performer = models.ForeignKey(Performer, on_delete=models.CASCADE, related_name="assignments")
    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="assignments")
    channel_number = models.PositiveSmallIntegerField()
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["receiver", "channel_number", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["receiver", "channel_number"],
                condition=models.Q(event__isnull=True),
                name="assignment_one_standing_per_channel",
            ),
            models.UniqueConstraint(
                fields=["receiver", "channel_number", "event"],
                condition=models.Q(event__isnull=False),
                name="assignment_one_per_channel_and_event",
            ),
            models.CheckConstraint(
                condition=models.Q(channel_number__gte=1), name="assignment_channel_from_1"
            ),
        ]

    def __str__(self) -> str:
        scope = self.event.name if self.event_id and self.event else "standing"
        return f"{self.performer.name} on {self.receiver.name} ch{self.channel_number} ({scope})"
