"""Who hears of a venue's alerts: contact lists in escalation order, and the outbox."""

from __future__ import annotations

import uuid

from django.db import models

from micboard.models.alerts import Alert
from micboard.models.venues import Venue


class ContactList(models.Model):
    """Contacts notified together; a higher ``escalation_order`` hears later."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="contact_lists")
    name = models.CharField(max_length=120)
    escalation_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["venue", "escalation_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} (step {self.escalation_order})"


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"


class Contact(models.Model):
    """One way to reach someone: an email address or a webhook URL with its secret, which
    is stored encrypted (``micboard.services.alerts.contacts``) and never shown."""

    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    target = models.CharField(max_length=500, help_text="Email address or webhook URL.")
    secret_encrypted = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Webhook: the HMAC-SHA256 key, encrypted with MICBOARD_ENCRYPTION_KEYS.",
    )
    quiet_from = models.TimeField(null=True, blank=True, help_text="Venue time.")
    quiet_until = models.TimeField(null=True, blank=True, help_text="Venue time.")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["contact_list", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.target}>"

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)


class NotificationEvent(models.TextChoices):
    OPENED = "opened", "Opened"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"
    TEST = "test", "Test"
    SUMMARY = "summary", "Summary of what quiet hours held"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"
    HELD = "held", "Held until the contact's quiet hours end"
    SUMMARISED = "summarised", "Sent in the summary when quiet hours ended"


class Notification(models.Model):
    """The outbox: one row per notification and contact, written with the alert's change
    and sent afterwards by the housekeeping queue."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="notifications")
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=16, choices=NotificationEvent.choices)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        max_length=16, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    summary = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="summarised",
        help_text="Held in quiet hours: the summary that carried it afterwards.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.contact_id}: {self.state}"


class DeliveryAttempt(models.Model):
    """One try at sending a notification, successful or not."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    ok = models.BooleanField()
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["notification", "started_at"]

    def __str__(self) -> str:
        return (
            f"{self.notification_id} @ {self.started_at:%H:%M:%S}: {'ok' if self.ok else 'failed'}"
        )
