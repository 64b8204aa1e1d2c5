"""Alert rules per venue, the venue's watched hours, and the alerts the rules open."""

from __future__ import annotations

from django.db import models

from micboard.models.receivers import Channel, Receiver
from micboard.models.venues import Venue


class RuleKind(models.TextChoices):
    BATTERY = "battery", "Battery critical or runtime low"
    RECEIVER_OFFLINE = "receiver_offline", "Receiver offline"
    TRANSMITTER_LOST = "transmitter_lost", "Transmitter lost"
    LEFT_ON = "left_on", "Transmitter left on"


class AlertRule(models.Model):
    """One kind of trouble a venue watches for, with its thresholds and timing."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="alert_rules")
    kind = models.CharField(max_length=24, choices=RuleKind.choices)
    enabled = models.BooleanField(default=True)
    runtime_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Battery rule: also alert when a transmitter reports less runtime than this.",
    )
    delay_seconds = models.PositiveIntegerField(
        default=0, help_text="How long the condition must hold before the alert opens."
    )
    hold_seconds = models.PositiveIntegerField(
        default=60, help_text="How long the condition must be clear before the alert resolves."
    )
    watched_hours_only = models.BooleanField(
        default=False, help_text="Only alert during the venue's watched hours."
    )
    escalate_after_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Unacknowledged this long, the alert goes to the next contact list.",
    )

    class Meta:
        ordering = ["venue", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "kind"], name="alert_rule_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.venue.slug}: {self.get_kind_display()}"


WEEKDAYS = list(
    enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
)


class WatchedHours(models.Model):
    """A weekly window, in the venue's time zone, when the venue is in use."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="watched_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    starts = models.TimeField()
    ends = models.TimeField(help_text="Before or equal to the start: the window ends next day.")

    class Meta:
        ordering = ["venue", "weekday", "starts"]
        verbose_name_plural = "watched hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class WatchedEvent(models.Model):
    """A one-off period the venue is watched (a rehearsal, a special service)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="watched_events")
    name = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["venue", "starts_at"]

    def __str__(self) -> str:
        return self.name


class AlertState(models.TextChoices):
    PENDING = "pending", "Pending (condition within its delay)"
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


ACTIVE_STATES = (AlertState.PENDING, AlertState.OPEN, AlertState.ACKNOWLEDGED)
RAISED_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


class Alert(models.Model):
    """One occurrence of a rule's condition on one receiver or channel, from first seen
    to resolved; a condition that clears and returns before resolving adds to ``count``."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="alerts")
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="alerts")
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    subject = models.CharField(max_length=32, help_text="r<receiver id> or c<channel id>.")
    state = models.CharField(max_length=16, choices=AlertState.choices)
    summary = models.CharField(max_length=255)
    count = models.PositiveIntegerField(default=1)
    condition_since = models.DateTimeField()
    cleared_since = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True, default="")
    acknowledgement_note = models.TextField(blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(
        max_length=150, blank=True, default="", help_text="Empty when it resolved by itself."
    )
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-condition_since"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=~models.Q(state="resolved"),
                name="alert_one_active_per_rule_and_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "state"], name="alert_venue_state_idx"),
            models.Index(fields=["receiver", "state"], name="alert_receiver_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.summary}"
