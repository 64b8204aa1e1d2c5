"""The audit trail: an append-only record of who changed what, when and from where.

Its own table, with no foreign key to what it describes: deleting a venue, receiver or user
keeps their history, and the table can be kept from roles that read the rest.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    RESYNC = "resync", "Resync"
    RECEIVER_CREATED = "receiver.created", "Receiver added"
    RECEIVER_CHANGED = "receiver.changed", "Receiver changed"
    RECEIVER_REMOVED = "receiver.removed", "Receiver removed"
    RECEIVER_POLLING = "receiver.polling", "Receiver polling switched"
    CERTIFICATE_RESET = "receiver.certificate_reset", "Receiver certificate pin reset"
    VENUE_CREATED = "venue.created", "Venue added"
    VENUE_CHANGED = "venue.changed", "Venue changed"
    VENUE_REMOVED = "venue.removed", "Venue removed"
    GROUP_CHANGED = "group.changed", "Channel group saved"
    GROUP_REMOVED = "group.removed", "Channel group removed"
    ROLE_GRANTED = "role.granted", "Role granted"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    KIOSK_CREATED = "kiosk.created", "Kiosk link made"
    KIOSK_REVOKED = "kiosk.revoked", "Kiosk link revoked"
    TOKEN_CREATED = "token.created", "API token made"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    ALERT_ACKNOWLEDGED = "alert.acknowledged", "Alert acknowledged"
    ALERT_RESOLVED = "alert.resolved", "Alert resolved"


class AuditEntry(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, help_text="Username, or cli:<login>, or system.")
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    venue_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    venue_slug = models.CharField(max_length=60, blank=True, default="")
    target = models.CharField(max_length=200, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target}"
