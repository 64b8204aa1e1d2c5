"""``micboard_certificate_reset``: forgets a receiver's pin and records who did it."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from micboard.models import Receiver
from micboard.models.audit import AuditAction, AuditEntry
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


def test_the_pin_is_reset_and_audited(capsys: pytest.CaptureFixture[str]) -> None:
    receiver = make_receiver(make_venue(), model="EW-DX-EM-2")
    Receiver.objects.filter(pk=receiver.pk).update(
        certificate_sha256="cd" * 32, certificate_pinned_at=timezone.now()
    )
    call_command("micboard_certificate_reset", str(receiver.pk))
    receiver.refresh_from_db()
    assert (receiver.certificate_sha256, receiver.certificate_pinned_at) == ("", None)
    assert "cd" * 32 in capsys.readouterr().out
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_RESET)
    assert entry.actor.startswith("cli:")


def test_an_unknown_receiver_is_an_error() -> None:
    with pytest.raises(CommandError, match="no receiver with id 999999"):
        call_command("micboard_certificate_reset", "999999")
