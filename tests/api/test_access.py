"""Who may call the API: tokens and sessions read; writes need model permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from micboard.services.kiosk import kiosk_link_create
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db

READS = ["/api/v1/venues/", "/api/v1/receivers/", "/api/v1/channels/", "/api/v1/groups/"]


@pytest.mark.parametrize("url", READS)
def test_anonymous_calls_are_refused_with_401_in_the_envelope(
    anonymous: APIClient, url: str
) -> None:
    response = anonymous.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("url", READS)
def test_a_read_only_user_reads_every_list(reader: APIClient, url: str) -> None:
    response = reader.get(url)
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_a_read_only_user_cannot_write_or_resync(reader: APIClient) -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    attempts = [
        reader.post("/api/v1/venues/", {"name": "New"}),
        reader.delete(f"/api/v1/venues/{venue.slug}/"),
        reader.post("/api/v1/receivers/", {"venue": venue.slug, "model": "ULXD4", "host": "h"}),
        reader.patch(f"/api/v1/receivers/{receiver.pk}/", {"poll_interval": 2}),
        reader.delete(f"/api/v1/receivers/{receiver.pk}/"),
        reader.post(f"/api/v1/receivers/{receiver.pk}/resync/"),
        reader.post(f"/api/v1/venues/{venue.slug}/resync/"),
        reader.post("/api/v1/groups/", {"venue": venue.slug, "number": 1, "title": "x"}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert {r.json()["error"]["code"] for r in attempts} == {"permission_denied"}
    receiver.refresh_from_db()
    assert receiver.poll_interval == 5


def test_a_session_reads_the_api(client: Client) -> None:
    client.force_login(User.objects.create_user("viewer"))
    assert client.get("/api/v1/venues/").status_code == 200


def test_a_wrong_token_is_refused(anonymous: APIClient) -> None:
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anonymous.get("/api/v1/venues/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_kiosk_token_cannot_call_the_api(anonymous: APIClient) -> None:
    venue = make_venue()
    token = kiosk_link_create(venue=venue, label="Lobby TV", created_by="test").token
    assert anonymous.get(f"/api/v1/venues/?kiosk={token}").status_code == 401
    assert anonymous.get("/api/v1/venues/", HTTP_X_KIOSK_TOKEN=token).status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/v1/venues/").status_code == 401
