"""The admin's SSC v2 parts: the device password field and the pin reset action by role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from micboard.composition import secret_box
from micboard.models import Receiver
from micboard.models.audit import AuditAction, AuditEntry
from tests.factories import make_receiver, make_venue
from tests.test_admin_access import ROLES, run_on_both, staff_client

pytestmark = pytest.mark.django_db


def _pinned(venue: object) -> Receiver:
    receiver = make_receiver(venue, model="EW-DX-EM-2")  # type: ignore[arg-type]
    Receiver.objects.filter(pk=receiver.pk).update(
        certificate_sha256="ef" * 32, certificate_pinned_at=timezone.now()
    )
    return receiver


@pytest.mark.parametrize("role", ROLES)
def test_the_pin_reset_needs_a_venue_admin_of_the_receivers_venue(role: str) -> None:
    own, foreign = _pinned(make_venue()), _pinned(make_venue())
    expected = run_on_both(role, "reset_certificate_pin", own, foreign, "venue_admin")
    reset = set(Receiver.objects.filter(certificate_sha256="").values_list("venue_id", flat=True))
    assert reset == expected
    entries = AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_RESET)
    assert set(entries.values_list("venue_id", flat=True)) == expected


def test_the_form_stores_the_password_encrypted_and_never_shows_it() -> None:
    venue = make_venue()
    client = staff_client("superuser", venue)
    response = client.post(
        reverse("admin:micboard_receiver_add"),
        {
            "venue": venue.pk,
            "name": "EW-DX",
            "model": "EW-DX-EM-2",
            "protocol": "sennheiser-sscv2-ewdx",
            "host": "10.0.0.77",
            "port": 443,
            "poll_interval": 5,
            "enabled": "on",
            "new_device_password": "Admin-Typed-Pass-3",
            "channels-TOTAL_FORMS": 0,
            "channels-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    receiver = Receiver.objects.get(host="10.0.0.77")
    assert secret_box().decrypt(receiver.device_password) == "Admin-Typed-Pass-3"
    page = client.get(reverse("admin:micboard_receiver_change", args=[receiver.pk]))
    assert "Admin-Typed-Pass-3" not in page.content.decode()
    assert receiver.device_password not in page.content.decode()
