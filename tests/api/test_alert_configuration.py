"""A venue's alert configuration over the API: watched hours and events, contact lists,
contacts with write-only secrets, and the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
from rest_framework.test import APIClient

from micboard.composition import secret_box
from micboard.models import (
    Contact,
    ContactList,
    Notification,
    Venue,
    WatchedEvent,
    WatchedHours,
)
from tests.api.conftest import token_client
from tests.factories import make_venue
from tests.queries import query_budget
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

SECRET = "api-test-signing-key-7Hq2"
NOW = datetime(2026, 12, 24, 21, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 25, 0, 30, tzinfo=UTC)


def errors(response: Any) -> dict[str, Any]:
    body = response.json()["error"]
    assert body["code"] == "validation_error", body
    return dict(body["details"])


def a_list(venue: Venue, step: int = 0) -> ContactList:
    return ContactList.objects.create(venue=venue, name=f"Step {step}", escalation_order=step)


def test_watched_hours_are_created_filtered_changed_and_refused_when_malformed(
    operator: APIClient,
) -> None:
    venue, other = make_venue(), make_venue()
    created = operator.post(
        "/api/v1/watched-hours/",
        {"venue": venue.slug, "weekday": 6, "starts": "22:00", "ends": "02:00"},
    )
    assert created.status_code == 201, created.json()
    assert created.json() == {
        "id": created.json()["id"],
        "venue": venue.slug,
        "weekday": 6,
        "starts": "22:00:00",
        "ends": "02:00:00",
    }
    operator.post(
        "/api/v1/watched-hours/",
        {"venue": other.slug, "weekday": 0, "starts": "09:00", "ends": "10:00"},
    )
    listed = operator.get(f"/api/v1/watched-hours/?venue={venue.slug}").json()["results"]
    assert [h["id"] for h in listed] == [created.json()["id"]]
    pk = created.json()["id"]
    assert operator.patch(f"/api/v1/watched-hours/{pk}/", {"ends": "03:00"}).json()["ends"] == (
        "03:00:00"
    )
    bad = operator.post(
        "/api/v1/watched-hours/",
        {"venue": venue.slug, "weekday": 7, "starts": "25:00", "ends": 9},
    )
    assert set(errors(bad)) == {"weekday", "starts", "ends"}
    assert errors(operator.patch(f"/api/v1/watched-hours/{pk}/", {"weekday": "1"})) == {
        "weekday": ["Expected an integer, got str."]
    }
    assert operator.delete(f"/api/v1/watched-hours/{pk}/").status_code == 204


def test_a_watched_event_must_end_after_it_starts(operator: APIClient) -> None:
    venue = make_venue()
    event = {
        "venue": venue.slug,
        "name": "Christmas Eve",
        "starts_at": "2026-12-24T22:00:00+01:00",
        "ends_at": "2026-12-25T01:00:00+01:00",
    }
    created = operator.post("/api/v1/watched-events/", event)
    assert created.status_code == 201
    assert created.json()["starts_at"] == "2026-12-24T21:00:00Z"
    backwards = operator.post(
        "/api/v1/watched-events/", {**event, "ends_at": "2026-12-24T20:00:00Z"}
    )
    assert errors(backwards) == {"ends_at": "an event ends after it starts"}
    bell = operator.post("/api/v1/watched-events/", {**event, "name": "Eve\x07"})
    assert "name" in errors(bell)
    pk = created.json()["id"]
    moved = operator.patch(f"/api/v1/watched-events/{pk}/", {"starts_at": "2026-12-25T02:00Z"})
    assert errors(moved) == {"ends_at": "an event ends after it starts"}


def test_contact_lists_are_validated(operator: APIClient) -> None:
    venue = make_venue()
    created = operator.post(
        "/api/v1/contact-lists/", {"venue": venue.slug, "name": "Directors", "escalation_order": 1}
    )
    assert created.json() == {
        "id": created.json()["id"],
        "venue": venue.slug,
        "name": "Directors",
        "escalation_order": 1,
    }
    bad = operator.post(
        "/api/v1/contact-lists/", {"venue": venue.slug, "name": " ", "escalation_order": -1}
    )
    assert set(errors(bad)) == {"escalation_order", "name"}
    bell = operator.post("/api/v1/contact-lists/", {"venue": venue.slug, "name": "On\x1bcall"})
    assert set(errors(bell)) == {"name"}


def test_a_contact_secret_is_stored_encrypted_and_never_shown(operator: APIClient) -> None:
    steps = a_list(make_venue())
    created = operator.post(
        "/api/v1/contacts/",
        {
            "contact_list": steps.pk,
            "name": "Audio chat",
            "channel": "webhook",
            "target": "https://chat.example.org/hooks/audio",
            "secret": SECRET,
            "quiet_from": "23:00",
            "quiet_until": "07:00",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert "secret" not in body
    assert (body["has_secret"], body["venue"], body["quiet_until"]) == (
        True,
        steps.venue.slug,
        "07:00:00",
    )
    stored = Contact.objects.get(pk=body["id"])
    assert SECRET not in stored.secret_encrypted
    assert secret_box().decrypt(stored.secret_encrypted) == SECRET
    for path in ("/api/v1/contacts/", f"/api/v1/contacts/{stored.pk}/"):
        assert SECRET not in operator.get(path).content.decode()
    renamed = operator.patch(f"/api/v1/contacts/{stored.pk}/", {"name": "Audio team chat"})
    assert renamed.json()["has_secret"] is True  # left out: kept
    assert secret_box().decrypt(Contact.objects.get().secret_encrypted) == SECRET
    removed = operator.patch(f"/api/v1/contacts/{stored.pk}/", {"secret": ""})
    assert removed.json()["has_secret"] is False
    assert Contact.objects.get().secret_encrypted == ""


def test_contacts_are_refused_with_a_reason_per_field(operator: APIClient) -> None:
    steps = a_list(make_venue())
    email = {"contact_list": steps.pk, "name": "Sam", "channel": "email", "target": "sam@x.test"}
    assert operator.post("/api/v1/contacts/", email).status_code == 201
    cases = [
        ({"target": "not an address"}, {"target"}),
        ({"secret": "x"}, {"secret"}),
        ({"channel": "webhook", "target": "ftp://chat.example.org/"}, {"target"}),
        ({"channel": "pager"}, {"channel"}),
        ({"quiet_from": "22:00"}, {"quiet_until"}),
        ({"quiet_from": "22:00", "quiet_until": "22:00"}, {"quiet_until"}),
        ({"contact_list": str(steps.pk)}, {"contact_list"}),
        ({"contact_list": 2**70}, {"contact_list"}),
        ({"contact_list": 999_999}, {"contact_list"}),
        ({"enabled": "yes"}, {"enabled"}),
    ]
    for change, fields in cases:
        response = operator.post("/api/v1/contacts/", {**email, **change})
        assert response.status_code == 400, change
        assert set(errors(response)) == fields, change
    assert Contact.objects.count() == 1


def test_contacts_and_the_outbox_are_read_by_venue_admins_only(anonymous: APIClient) -> None:
    venue = make_venue()
    steps = a_list(venue)
    contact = Contact.objects.create(
        contact_list=steps, name="Lead", channel="email", target="lead@x.test"
    )
    Notification.objects.create(
        venue=venue, contact=contact, event="test", next_attempt_at=NOW, created_at=NOW
    )
    viewer = token_client(user_with_role(venue, "viewer"))
    operator = token_client(user_with_role(venue, "operator"))
    admin = token_client(user_with_role(venue, "venue_admin"))
    for path in ("/api/v1/contacts/", "/api/v1/notifications/"):
        assert anonymous.get(path).status_code == 401
        for below in (viewer, operator):
            assert below.get(path).json()["results"] == [], path
        assert len(admin.get(path).json()["results"]) == 1, path
    assert viewer.get(f"/api/v1/contacts/{contact.pk}/").status_code == 404
    assert admin.get(f"/api/v1/contacts/{contact.pk}/").json()["target"] == "lead@x.test"
    assert viewer.get("/api/v1/contact-lists/").json()["results"][0]["name"] == steps.name
    refused = operator.post(
        "/api/v1/watched-hours/",
        {"venue": venue.slug, "weekday": 1, "starts": "09:00", "ends": "10:00"},
    )
    assert refused.status_code == 403
    assert WatchedHours.objects.count() == 0


def _config_rows(rows: int) -> Venue:
    venue = make_venue()
    steps = a_list(venue)
    for n in range(rows):
        WatchedHours.objects.create(venue=venue, weekday=n % 7, starts=time(8), ends=time(12))
        WatchedEvent.objects.create(venue=venue, name=f"Event {n}", starts_at=NOW, ends_at=LATER)
        ContactList.objects.create(venue=venue, name=f"List {n}", escalation_order=n + 1)
        contact = Contact.objects.create(
            contact_list=steps, name=f"C{n}", channel="email", target=f"c{n}@x.test"
        )
        Notification.objects.create(
            venue=venue, contact=contact, event="test", next_attempt_at=NOW, created_at=NOW
        )
    return venue


@pytest.mark.parametrize(
    "path", ["watched-hours", "watched-events", "contact-lists", "contacts", "notifications"]
)
def test_configuration_lists_cost_the_same_queries_for_2_rows_as_for_20(
    operator: APIClient, path: str
) -> None:
    few_rows = _config_rows(2)
    operator.get(f"/api/v1/{path}/")  # the token's first use is written once, not per call
    with query_budget(at_most=6) as few:
        listed = operator.get(f"/api/v1/{path}/?venue={few_rows.slug}", {"page_size": 50})
        assert len(listed.json()["results"]) >= 2
    many_rows = _config_rows(20)
    with query_budget(few, at_most=6):
        listed = operator.get(f"/api/v1/{path}/?venue={many_rows.slug}", {"page_size": 50})
        assert len(listed.json()["results"]) >= 20
