"""What a hostile client sends: each request the outside probe found, answered in JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from micboard.models import AlertRule, ContactList, Receiver, Venue
from tests.api.test_receivers import receiver_body
from tests.factories import make_polled_receiver, make_receiver, make_venue
from tests.payloads import JsonAnswer, response_json

pytestmark = pytest.mark.django_db

TOO_BIG = 9223372036854775808  # one past the largest signed 64-bit integer


def error_code(response: JsonAnswer) -> str:
    return str(response_json(response)["error"]["code"])


def test_a_filter_past_64_bits_is_a_400(operator: APIClient) -> None:
    response = operator.get(f"/api/v1/channels/?receiver={TOO_BIG}")
    assert (response.status_code, error_code(response)) == (400, "validation_error")
    assert "receiver" in response.json()["error"]["details"]


def test_an_id_past_64_bits_in_a_body_is_a_400(operator: APIClient) -> None:
    venue = make_venue()
    body = {"venue": venue.slug, "number": 1, "title": "Band", "channels": [TOO_BIG]}
    response = operator.post("/api/v1/groups/", body)
    assert (response.status_code, error_code(response)) == (400, "validation_error")


@pytest.mark.parametrize("path", ["receivers", "channels", "groups", "alerts", "alert-rules"])
def test_an_id_past_64_bits_in_the_path_is_a_404(operator: APIClient, path: str) -> None:
    response = operator.get(f"/api/v1/{path}/{TOO_BIG}/")
    assert (response.status_code, error_code(response)) == (404, "not_found")


@pytest.mark.parametrize("method", ["post", "patch"])
def test_json_nested_ten_thousand_deep_is_a_parse_error(operator: APIClient, method: str) -> None:
    receiver = make_receiver(make_venue())
    url = "/api/v1/receivers/" + (f"{receiver.pk}/" if method == "patch" else "")
    body = "[" * 10_000 + "]" * 10_000
    response = getattr(operator, method)(url, body, content_type="application/json")
    assert (response.status_code, error_code(response)) == (400, "parse_error")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_size_limit_is_a_413(operator: APIClient) -> None:
    body = json.dumps(receiver_body(make_venue().slug, name="x" * 2000))
    response = operator.post("/api/v1/receivers/", body, content_type="application/json")
    assert (response.status_code, error_code(response)) == (413, "request_too_large")
    assert not Receiver.objects.exists()


def test_a_bad_host_header_under_the_api_is_json() -> None:
    response = Client().get("/api/v1/venues/", HTTP_HOST="evil.example")
    assert (response.status_code, error_code(response)) == (400, "bad_request")


def test_a_bad_host_header_elsewhere_stays_a_page() -> None:
    response = Client().get("/wall/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/venues/no-such/", "/api/v2/"])
def test_every_404_under_the_api_is_json(operator: APIClient, path: str) -> None:
    response = operator.get(path)
    assert (response.status_code, error_code(response)) == (404, "not_found")


def test_a_crash_under_the_api_is_a_json_500(
    operator: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("micboard.selectors.listings.venue_list", crash)
    operator.raise_request_exception = False
    response = operator.get("/api/v1/venues/")
    assert (response.status_code, error_code(response)) == (500, "server_error")
    assert "boom" not in response.content.decode()


@pytest.mark.parametrize("host", ["a\n.b", "fe80::1%a b", "999.999.999.999", "1.2.3", "a..b"])
def test_a_malformed_host_is_refused(operator: APIClient, host: str) -> None:
    response = operator.post("/api/v1/receivers/", receiver_body(make_venue().slug, host=host))
    assert (response.status_code, error_code(response)) == (400, "validation_error")
    assert "host" in response.json()["error"]["details"]
    assert not Receiver.objects.exists()


@pytest.mark.parametrize(
    ("first", "second", "stored"),
    [
        ("RX.EXAMPLE", "rx.example.", "rx.example"),
        ("10.20.30.40", "010.020.030.040", "10.20.30.40"),
        ("10.20.30.40", "::ffff:10.20.30.40", "10.20.30.40"),
        ("FE80::0:1%eth0", "fe80::1%eth0", "fe80::1%eth0"),
    ],
)
def test_one_address_spelled_twice_is_one_receiver(
    operator: APIClient, first: str, second: str, stored: str
) -> None:
    venue = make_venue()
    created = operator.post("/api/v1/receivers/", receiver_body(venue.slug, host=first))
    assert (created.status_code, created.json()["host"]) == (201, stored)
    again = operator.post("/api/v1/receivers/", receiver_body(venue.slug, host=second))
    assert (again.status_code, error_code(again)) == (409, "conflict")
    assert again.json()["error"]["details"]["host"] == stored
    assert Receiver.objects.get().host == stored


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\n", "\u202e"])
def test_names_with_control_characters_are_refused(operator: APIClient, char: str) -> None:
    venue = make_venue()
    name = f"Stage{char}left"
    receiver = operator.post("/api/v1/receivers/", receiver_body(venue.slug, name=name))
    assert (receiver.status_code, error_code(receiver)) == (400, "validation_error")
    assert "name" in receiver.json()["error"]["details"]
    new_venue = operator.post("/api/v1/venues/", {"name": name})
    assert (new_venue.status_code, error_code(new_venue)) == (400, "validation_error")
    group = operator.post("/api/v1/groups/", {"venue": venue.slug, "number": 1, "title": name})
    assert (group.status_code, error_code(group)) == (400, "validation_error")
    assert "title" in group.json()["error"]["details"]


@pytest.mark.parametrize("slug", ["venue\x00one", "stage left", "\u00e9glise", ""])
def test_a_venue_slug_that_no_venue_can_have_is_a_400(operator: APIClient, slug: str) -> None:
    make_venue()
    receiver = operator.post("/api/v1/receivers/", receiver_body(slug), format="json")
    assert (receiver.status_code, error_code(receiver)) == (400, "validation_error")
    assert "venue" in receiver.json()["error"]["details"]
    group = operator.post("/api/v1/groups/", {"venue": slug, "number": 1}, format="json")
    assert (group.status_code, error_code(group)) == (400, "validation_error")


@pytest.mark.parametrize("page", ["abc", "0", "", "-1", "99999999999"])
def test_a_malformed_page_is_a_400(operator: APIClient, page: str) -> None:
    make_venue()
    response = operator.get(f"/api/v1/venues/?page={page}")
    assert (response.status_code, error_code(response)) == (400, "validation_error")
    assert "page" in response.json()["error"]["details"]


def test_a_page_past_the_end_stays_a_404_and_page_one_works(operator: APIClient) -> None:
    make_venue()
    assert operator.get("/api/v1/venues/?page=1").status_code == 200
    assert operator.get("/api/v1/venues/?page=last").status_code == 200
    assert error_code(operator.get("/api/v1/venues/?page=2")) == "not_found"


@pytest.mark.parametrize(
    "change", [{"venue": "elsewhere"}, {"colour": "red"}, {"status": "online", "enabled": False}]
)
def test_a_patch_naming_an_unknown_or_read_only_field_is_a_400(
    operator: APIClient, change: dict[str, object]
) -> None:
    receiver = make_polled_receiver(make_venue())
    response = operator.patch(f"/api/v1/receivers/{receiver.pk}/", change)
    assert (response.status_code, error_code(response)) == (400, "validation_error")
    refused = set(change) - {"enabled"}
    assert set(response.json()["error"]["details"]) == refused
    receiver.refresh_from_db()
    assert receiver.enabled


def test_a_group_patch_naming_its_venue_is_a_400(operator: APIClient) -> None:
    venue = make_venue()
    group = operator.post("/api/v1/groups/", {"venue": venue.slug, "number": 1, "title": "A"})
    response = operator.patch(f"/api/v1/groups/{group.json()['id']}/", {"venue": venue.slug})
    assert (response.status_code, error_code(response)) == (400, "validation_error")


def alert_configuration_bodies(venue: Venue) -> dict[str, dict[str, object]]:
    """A valid creation body of each alert configuration endpoint."""
    steps = ContactList.objects.create(venue=venue, name="Crew", escalation_order=0)
    return {
        "alert-rules": {"venue": venue.slug, "kind": "left_on"},
        "watched-hours": {"venue": venue.slug, "weekday": 1, "starts": "09:00", "ends": "17:00"},
        "watched-events": {
            "venue": venue.slug,
            "name": "Gala",
            "starts_at": "2026-12-24T19:00:00+00:00",
            "ends_at": "2026-12-24T23:00:00+00:00",
        },
        "contact-lists": {"venue": venue.slug, "name": "Night", "escalation_order": 1},
        "contacts": {
            "contact_list": steps.pk,
            "name": "Sam",
            "channel": "email",
            "target": "sam@example.org",
        },
    }


@pytest.mark.parametrize(
    "endpoint", ["alert-rules", "watched-hours", "watched-events", "contact-lists", "contacts"]
)
def test_an_alert_configuration_body_naming_an_unknown_or_read_only_field_is_a_400(
    operator: APIClient, endpoint: str
) -> None:
    venue = make_venue()
    AlertRule.objects.filter(venue=venue, kind="left_on").delete()  # free to create
    body = alert_configuration_bodies(venue)[endpoint]
    refused = operator.post(f"/api/v1/{endpoint}/", {**body, "colour": "red", "id": 7})
    assert (refused.status_code, error_code(refused)) == (400, "validation_error")
    assert set(refused.json()["error"]["details"]) == {"colour", "id"}
    created = operator.post(f"/api/v1/{endpoint}/", body)
    assert created.status_code == 201, created.json()
    changed = operator.patch(f"/api/v1/{endpoint}/{created.json()['id']}/", {"colour": "red"})
    assert (changed.status_code, error_code(changed)) == (400, "validation_error")


@pytest.mark.parametrize("value", ["13:10:47.22Z", "9:00", "24:00", "09:00+01:00", 900])
def test_a_time_of_day_is_hh_mm_in_venue_time(operator: APIClient, value: object) -> None:
    venue = make_venue()
    body = {"venue": venue.slug, "weekday": 1, "starts": value, "ends": "17:00"}
    refused = operator.post("/api/v1/watched-hours/", body)
    assert (refused.status_code, error_code(refused)) == (400, "validation_error")
    assert set(refused.json()["error"]["details"]) == {"starts"}
    created = operator.post("/api/v1/watched-hours/", {**body, "starts": "09:30"})
    assert (created.status_code, created.json()["starts"]) == (201, "09:30:00")


@pytest.mark.parametrize("offset", ["-16:58", "+14:01", "+23:59"])
def test_a_utc_offset_no_time_zone_has_is_a_400(operator: APIClient, offset: str) -> None:
    venue = make_venue()
    body = {
        "venue": venue.slug,
        "name": "Matinee",
        "starts_at": f"2026-12-24T14:00:00{offset}",
        "ends_at": "2026-12-25T23:00:00+14:00",
    }
    refused = operator.post("/api/v1/events/", body)
    assert (refused.status_code, error_code(refused)) == (400, "validation_error")
    assert set(refused.json()["error"]["details"]) == {"starts_at"}
    widest = operator.post("/api/v1/events/", {**body, "starts_at": "2026-12-24T01:00:00-12:00"})
    assert widest.status_code == 201, widest.json()
