"""Receivers through the API: registered, changed and removed by the device service."""

from __future__ import annotations

import pytest
import redis
from rest_framework.test import APIClient

from micboard.composition import device_service
from micboard.models import Channel, Receiver
from tests.conftest import queue_depth
from tests.factories import make_polled_receiver, make_receiver, make_venue, snapshot
from tests.services.test_poll_diagnostics import polled

pytestmark = pytest.mark.django_db


def receiver_body(venue_slug: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "venue": venue_slug,
        "name": "Stage left",
        "model": "ULXD4D",
        "host": "10.0.0.20",
        "port": 2202,
        "poll_interval": 5,
    }
    body.update(overrides)
    return body


def test_an_operator_registers_a_receiver(operator: APIClient) -> None:
    venue = make_venue()
    response = operator.post("/api/v1/receivers/", receiver_body(venue.slug))
    assert response.status_code == 201
    shown = response.json()
    assert (shown["venue"], shown["family"], shown["channel_count"]) == (venue.slug, "ULXD", 2)
    assert shown["status"] == "unknown"
    assert Receiver.objects.get(pk=shown["id"]).next_sync_at is not None


def test_an_operator_updates_and_patches_a_receiver(operator: APIClient) -> None:
    receiver = make_polled_receiver(make_venue())
    body = receiver_body("", model="ULXD4D", host="10.0.0.99", poll_interval=10)
    del body["venue"]
    response = operator.put(f"/api/v1/receivers/{receiver.pk}/", body)
    assert response.status_code == 200
    assert (response.json()["host"], response.json()["channel_count"]) == ("10.0.0.99", 2)
    assert Channel.objects.filter(receiver=receiver).count() == 2  # channels 3-4 are gone

    response = operator.patch(f"/api/v1/receivers/{receiver.pk}/", {"enabled": False})
    receiver.refresh_from_db()
    assert (response.status_code, receiver.enabled, receiver.host) == (200, False, "10.0.0.99")


def test_an_operator_removes_a_receiver(operator: APIClient) -> None:
    receiver = make_receiver(make_venue())
    assert operator.delete(f"/api/v1/receivers/{receiver.pk}/").status_code == 204
    assert not Receiver.objects.filter(pk=receiver.pk).exists()
    assert operator.delete(f"/api/v1/receivers/{receiver.pk}/").status_code == 404


def test_malformed_input_is_a_400_with_field_details(operator: APIClient) -> None:
    venue = make_venue()
    response = operator.post("/api/v1/receivers/", receiver_body(venue.slug, port=70000))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"port"}


def test_input_the_service_refuses_is_a_400_with_its_details(operator: APIClient) -> None:
    venue = make_venue()
    response = operator.post(
        "/api/v1/receivers/", receiver_body(venue.slug, host="not a host", model="ULXD4D")
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "host" in error["details"]
    assert not Receiver.objects.exists()


def test_a_model_or_protocol_outside_the_schemas_enums_is_a_400(operator: APIClient) -> None:
    venue = make_venue()
    for change, field in (({"model": "XYZ9"}, "model"), ({"protocol": "telnet"}, "protocol")):
        response = operator.post("/api/v1/receivers/", receiver_body(venue.slug, **change))
        assert (response.status_code, list(response.json()["error"]["details"])) == (400, [field])
    assert not Receiver.objects.exists()


def test_an_unknown_venue_and_a_non_json_body_are_400s(operator: APIClient) -> None:
    response = operator.post("/api/v1/receivers/", receiver_body("no-such-venue"))
    assert (response.status_code, list(response.json()["error"]["details"])) == (400, ["venue"])
    response = operator.post("/api/v1/receivers/", "{", content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "parse_error")


def test_a_second_receiver_at_the_same_address_is_a_409(operator: APIClient) -> None:
    venue = make_venue()
    assert operator.post("/api/v1/receivers/", receiver_body(venue.slug)).status_code == 201
    response = operator.post("/api/v1/receivers/", receiver_body(venue.slug, name="Again"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_lists_filter_by_venue_and_status(operator: APIClient) -> None:
    first, second = make_venue(), make_venue()
    online = make_receiver(first)
    make_receiver(first)
    make_receiver(second)
    device_service().snapshot_apply(receiver=online, snapshot=snapshot(4))
    by_venue = operator.get(f"/api/v1/receivers/?venue={first.slug}").json()
    assert by_venue["count"] == 2
    both = operator.get(f"/api/v1/receivers/?venue={first.slug}&status=online").json()
    assert [r["id"] for r in both["results"]] == [online.pk]
    assert operator.get("/api/v1/receivers/?status=bogus").status_code == 400


def test_resync_is_queued_once_then_reported_as_pending(
    operator: APIClient, redis_client: redis.Redis
) -> None:
    receiver = make_receiver(make_venue())
    first = operator.post(f"/api/v1/receivers/{receiver.pk}/resync/")
    assert first.status_code == 202
    assert first.json() == {
        "requested": 1,
        "enqueued": [receiver.pk],
        "already_pending": [],
        "coalesced": 0,
        "disabled": [],
        "missing": [],
        "deferred": [],
    }
    second = operator.post(f"/api/v1/receivers/{receiver.pk}/resync/").json()
    assert (second["enqueued"], second["already_pending"]) == ([], [receiver.pk])
    assert second["coalesced"] == 1
    assert queue_depth(redis_client, receiver.venue.queue_name) == 1
    receiver.refresh_from_db()
    assert receiver.resync_requested_by == "operator"


def test_venue_resync_reports_each_receiver(operator: APIClient) -> None:
    venue = make_venue()
    enabled, disabled = make_receiver(venue), make_receiver(venue)
    device_service().receiver_set_enabled(receiver_ids=[disabled.pk], enabled=False)
    report = operator.post(f"/api/v1/venues/{venue.slug}/resync/").json()
    assert (report["enqueued"], report["disabled"]) == ([enabled.pk], [disabled.pk])
    assert operator.post("/api/v1/venues/nowhere/resync/").status_code == 404


def test_the_api_shows_the_diagnostics(operator: APIClient) -> None:
    receiver = polled(
        make_receiver(make_venue()), skipped_messages=3, last_skipped="odd", request_form="all"
    )

    body = operator.get(f"/api/v1/receivers/{receiver.pk}/").json()

    assert {k: body[k] for k in ("request_form", "skipped_messages", "resent_requests")} == {
        "request_form": "all",
        "skipped_messages": 3,
        "resent_requests": 0,
    }
    assert body["last_skipped_message"] == "odd"
