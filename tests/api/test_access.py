"""Who may call the API: venue roles decide what a token or session sees and changes."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from micboard.models import ApiToken, AuditAction, AuditEntry
from micboard.services.access import api_token_create, api_tokens_revoke, role_grant
from micboard.services.audit import Actor
from micboard.services.kiosk import kiosk_link_create
from tests.api.conftest import token_client
from tests.factories import make_receiver, make_venue
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/venues/",
    "/api/v1/receivers/",
    "/api/v1/channels/",
    "/api/v1/groups/",
    "/api/v1/alerts/",
    "/api/v1/alert-rules/",
    "/api/v1/audit/",
]


@pytest.mark.parametrize("url", READS)
def test_anonymous_calls_are_refused_with_401_in_the_envelope(
    anonymous: APIClient, url: str
) -> None:
    response = anonymous.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("url", READS)
def test_a_user_without_roles_reads_empty_lists(nobody: APIClient, url: str) -> None:
    make_receiver(make_venue())
    response = nobody.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_viewer_lists_only_their_venues_and_the_others_are_not_found() -> None:
    mine, other = make_venue(), make_venue()
    own_receiver, other_receiver = make_receiver(mine), make_receiver(other)
    client = token_client(user_with_role(mine, "viewer"))
    venues = client.get("/api/v1/venues/").json()["results"]
    assert [v["slug"] for v in venues] == [mine.slug]
    receivers = client.get("/api/v1/receivers/").json()["results"]
    assert [r["id"] for r in receivers] == [own_receiver.pk]
    assert client.get(f"/api/v1/venues/{other.slug}/").status_code == 404
    assert client.get(f"/api/v1/receivers/{other_receiver.pk}/").status_code == 404
    # An existing venue one holds no role in reads as a venue that does not exist.
    existing = client.post(f"/api/v1/receivers/{other_receiver.pk}/resync/")
    missing = client.post("/api/v1/receivers/999999/resync/")
    assert existing.status_code == missing.status_code == 404
    assert existing.json() == missing.json()


def test_a_role_held_through_a_group_counts() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    user = User.objects.create_user("crew-member")
    crew = Group.objects.create(name="crew")
    user.groups.add(crew)
    role_grant(venue=venue, group=crew, role="operator", actor=Actor("tests"))
    client = token_client(user)
    assert client.post(f"/api/v1/receivers/{receiver.pk}/resync/").status_code == 202
    assert client.delete(f"/api/v1/receivers/{receiver.pk}/").status_code == 403


def test_the_higher_of_own_and_group_role_holds() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    user = user_with_role(venue, "viewer")
    admins = Group.objects.create(name="venue admins")
    user.groups.add(admins)
    role_grant(venue=venue, group=admins, role="venue_admin", actor=Actor("tests"))
    client = token_client(user)
    assert (
        client.patch(f"/api/v1/receivers/{receiver.pk}/", {"poll_interval": 9}).status_code == 200
    )


def test_a_read_only_token_of_a_venue_admin_reads_but_cannot_write_or_resync() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    client = token_client(user_with_role(venue, "venue_admin"), read_only=True)
    assert client.get(f"/api/v1/receivers/{receiver.pk}/").status_code == 200
    attempts = [
        client.post(
            "/api/v1/receivers/",
            {"venue": venue.slug, "model": "ULXD4Q", "host": "10.0.0.5", "name": "RX"},
        ),
        client.patch(f"/api/v1/receivers/{receiver.pk}/", {"poll_interval": 2}),
        client.delete(f"/api/v1/receivers/{receiver.pk}/"),
        client.post(f"/api/v1/receivers/{receiver.pk}/resync/"),
        client.post(f"/api/v1/venues/{venue.slug}/resync/"),
        client.post("/api/v1/groups/", {"venue": venue.slug, "number": 1, "title": "x"}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert {r.json()["error"]["code"] for r in attempts} == {"permission_denied"}
    receiver.refresh_from_db()
    assert receiver.poll_interval == 5
    assert not AuditEntry.objects.filter(action=AuditAction.RESYNC).exists()


def test_a_token_is_stored_as_a_digest_and_shown_once() -> None:
    user = User.objects.create_user("script-owner")
    issued = api_token_create(user=user, label="FOH script", read_only=True, actor=Actor("a"))
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.key.startswith("mbt_")
    assert stored.key_digest == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in {stored.key_digest, stored.key_prefix, stored.label}
    assert issued.key.startswith(stored.key_prefix)


def test_a_revoked_token_is_refused(anonymous: APIClient) -> None:
    user = User.objects.create_superuser("owner", "o@example.org", "pw")
    issued = api_token_create(user=user, label="old", read_only=False, actor=Actor("a"))
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert anonymous.get("/api/v1/venues/").status_code == 200
    assert api_tokens_revoke(token_ids=[issued.token.pk], actor=Actor("a")) == 1
    response = anonymous.get("/api/v1/venues/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    revoked = AuditEntry.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert revoked.target == f"owner: {issued.token}"


def test_an_inactive_users_token_is_refused(anonymous: APIClient) -> None:
    user = User.objects.create_superuser("leaver", "l@example.org", "pw")
    issued = api_token_create(user=user, label="old", read_only=False, actor=Actor("a"))
    User.objects.filter(pk=user.pk).update(is_active=False)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert anonymous.get("/api/v1/venues/").status_code == 401


def test_a_session_reads_the_api(client: Client) -> None:
    venue = make_venue()
    client.force_login(user_with_role(venue, "viewer"))
    assert client.get("/api/v1/venues/").json()["count"] == 1


def test_a_wrong_token_is_refused(anonymous: APIClient) -> None:
    for key in ("not-a-real-token", "mbt_not-a-real-token"):
        anonymous.credentials(HTTP_AUTHORIZATION=f"Token {key}")
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


def test_a_venue_named_in_a_body_that_the_caller_cannot_see_reads_as_unknown() -> None:
    mine, other = make_venue(), make_venue()
    client = token_client(user_with_role(mine, "venue_admin"))
    hidden = client.post(
        "/api/v1/receivers/",
        {"venue": other.slug, "model": "ULXD4Q", "host": "10.0.0.5", "name": "RX"},
    )
    unknown = client.post(
        "/api/v1/receivers/",
        {"venue": "no-such", "model": "ULXD4Q", "host": "10.0.0.5", "name": "RX"},
    )
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["error"]["details"]["venue"] == [
        f"Object with slug={other.slug} does not exist."
    ]
