"""SSC v2 receivers through the API: the protocol chosen at registration, the device password
stored encrypted and never shown, and the certificate pin reset by a venue admin."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from micboard.composition import secret_box
from micboard.models import Receiver
from micboard.models.audit import AuditAction, AuditEntry
from tests.api.conftest import token_client
from tests.factories import make_venue
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "Third-Party-Pass-1"


def _body(venue: str, **overrides: object) -> dict[str, object]:
    return {
        "venue": venue,
        "name": "EW-DX rack",
        "model": "EW-DX-EM-4-DANTE",
        "host": "10.0.0.40",
        "port": 443,
        "protocol": "sennheiser-sscv2-ewdx",
        "device_password": PASSWORD,
        **overrides,
    }


def test_an_ewdx_is_registered_for_ssc_v2_with_its_password_encrypted(
    operator: APIClient,
) -> None:
    response = operator.post("/api/v1/receivers/", _body(make_venue().slug))
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert shown["protocol"] == "sennheiser-sscv2-ewdx"
    assert shown["has_device_password"] is True
    assert "device_password" not in shown
    assert PASSWORD not in response.content.decode()
    stored = Receiver.objects.get(pk=shown["id"]).device_password
    assert PASSWORD not in stored
    assert secret_box().decrypt(stored) == PASSWORD


def test_a_patch_keeps_the_password_unless_it_is_given(operator: APIClient) -> None:
    receiver_id = operator.post("/api/v1/receivers/", _body(make_venue().slug)).json()["id"]
    before = Receiver.objects.get(pk=receiver_id).device_password
    operator.patch(f"/api/v1/receivers/{receiver_id}/", {"poll_interval": 9})
    assert Receiver.objects.get(pk=receiver_id).device_password == before
    operator.patch(f"/api/v1/receivers/{receiver_id}/", {"device_password": "Another-Pass-2"})
    operator.patch(f"/api/v1/receivers/{receiver_id}/", {"device_password": ""})
    assert Receiver.objects.get(pk=receiver_id).device_password == ""
    audited = AuditEntry.objects.filter(target__startswith=f"receiver {receiver_id} ")
    trail = [e.changes.get("device_password") for e in audited.order_by("at", "pk")]
    assert trail == [
        {"old": None, "new": "(stored)"},  # registered with one
        None,  # the poll interval only
        {"old": "(stored)", "new": "(replaced)"},
        {"old": "(stored)", "new": None},
    ]
    assert not any(PASSWORD in str(e.changes) for e in audited)


@pytest.mark.parametrize("model", ["EM6000", "SL-MCR-2-DW", "ULXD4D"])
def test_only_ewdx_speaks_ssc_v2(operator: APIClient, model: str) -> None:
    response = operator.post("/api/v1/receivers/", _body(make_venue().slug, model=model))
    assert response.status_code == 400
    assert "model" in response.json()["error"]["details"]


def test_the_schema_offers_both_ewdx_protocols(operator: APIClient) -> None:
    schema = operator.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    enum = schema["components"]["schemas"]["ProtocolEnum"]["enum"]
    assert {"sennheiser-ssc-ewdx", "sennheiser-sscv2-ewdx"} <= set(enum)


def test_a_venue_admin_resets_the_pin_and_an_operator_may_not(operator: APIClient) -> None:
    venue = make_venue()
    receiver_id = operator.post("/api/v1/receivers/", _body(venue.slug)).json()["id"]
    Receiver.objects.filter(pk=receiver_id).update(
        certificate_sha256="ab" * 32, certificate_pinned_at=timezone.now()
    )
    url = f"/api/v1/receivers/{receiver_id}/certificate-reset/"
    refused = token_client(user_with_role(venue, "operator")).post(url)
    assert refused.status_code == 403
    assert Receiver.objects.get(pk=receiver_id).certificate_sha256 == "ab" * 32

    admin = user_with_role(venue, "venue_admin")
    response = token_client(admin).post(url)
    assert response.status_code == 200
    assert (response.json()["certificate_sha256"], response.json()["certificate_pinned_at"]) == (
        "",
        None,
    )
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_RESET)
    assert entry.actor == admin.username
    assert entry.changes["certificate_sha256"] == {"old": "ab" * 32, "new": ""}
