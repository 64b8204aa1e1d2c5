"""Device credentials (SSC v2): resetting a pinned certificate, rotating device passwords.

A receiver pins the certificate it presents on its first poll (``PollResultWriter``); a
later poll that meets another one fails with ``CertificateMismatchError``. Resetting the
pin makes the next poll pin whatever the device presents then."""

from __future__ import annotations

from django.db import transaction

from micboard.infrastructure.secret_box import SecretBox
from micboard.models import Receiver
from micboard.models.audit import AuditAction
from micboard.services.audit import Actor, audit_record
from micboard.services.secret_rotation import RotationReport, column_rotate


def receiver_certificate_reset(*, receiver: Receiver, actor: Actor) -> Receiver:
    """Forget the receiver's pinned certificate; a receiver with none is left as it is."""
    old, pinned_at = receiver.certificate_sha256, receiver.certificate_pinned_at
    with transaction.atomic():
        Receiver.objects.filter(pk=receiver.pk).update(
            certificate_sha256="", certificate_pinned_at=None
        )
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_RESET,
            venue=receiver.venue,
            target=f"receiver {receiver.pk} {receiver.name}",
            changes={
                "certificate_sha256": {"old": old, "new": ""},
                "certificate_pinned_at": {
                    "old": pinned_at.isoformat() if pinned_at else None,
                    "new": None,
                },
            },
        )
    receiver.certificate_sha256, receiver.certificate_pinned_at = "", None
    return receiver


def device_passwords_rotate(*, box: SecretBox) -> RotationReport:
    """Re-encrypt every stored device password with the newest key."""
    return column_rotate(model=Receiver, field="device_password", box=box)
