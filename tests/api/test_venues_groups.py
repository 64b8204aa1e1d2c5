"""Venues and channel groups through the API, written by their services."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from micboard.models import AuditAction, AuditEntry, ChannelGroup, Receiver, Venue
from tests.factories import make_polled_venue, make_receiver, make_venue

pytestmark = pytest.mark.django_db


def test_an_operator_creates_and_deletes_a_venue(operator: APIClient) -> None:
    response = operator.post("/api/v1/venues/", {"name": "Grand Hall"})
    assert response.status_code == 201
    shown = response.json()
    assert (shown["slug"], shown["receiver_count"]) == ("grand-hall", 0)
    # watched and quiet hours are in the venue's time zone: the API shows it
    assert (shown["time_zone"], shown["alert_retention_days"]) == ("UTC", None)
    assert PeriodicTask.objects.filter(name__contains="grand-hall").exists()
    assert operator.post("/api/v1/venues/", {"name": "Grand Hall"}).status_code == 409
    assert operator.get("/api/v1/venues/grand-hall/").json()["name"] == "Grand Hall"
    assert operator.delete("/api/v1/venues/grand-hall/").status_code == 204
    assert not Venue.objects.filter(slug="grand-hall").exists()


def test_an_operator_sets_and_clears_a_venues_runtime_levels(
    operator: APIClient, reader: APIClient
) -> None:
    operator.post("/api/v1/venues/", {"name": "Chapel"})
    assert operator.get("/api/v1/venues/chapel/").json()["battery_replace_minutes"] is None
    levels = {"battery_replace_minutes": 60, "battery_critical_minutes": 20}
    assert reader.patch("/api/v1/venues/chapel/", levels, format="json").status_code == 403
    changed = operator.patch("/api/v1/venues/chapel/", levels, format="json")
    assert changed.status_code == 200
    assert changed.json()["battery_critical_minutes"] == 20
    alone = operator.patch(
        "/api/v1/venues/chapel/", {"battery_critical_minutes": 30}, format="json"
    )
    assert (alone.status_code, alone.json()["battery_replace_minutes"]) == (200, 60)
    cleared = {"battery_replace_minutes": None, "battery_critical_minutes": None}
    assert operator.patch("/api/v1/venues/chapel/", cleared, format="json").status_code == 200
    assert Venue.objects.get(slug="chapel").battery_replace_minutes is None


def test_every_change_of_a_venues_settings_is_on_record_with_old_and_new_values(
    operator: APIClient,
) -> None:
    operator.post("/api/v1/venues/", {"name": "Chapel"})
    levels = {"battery_replace_minutes": 60, "battery_critical_minutes": 20}
    operator.patch("/api/v1/venues/chapel/", levels, format="json", REMOTE_ADDR="10.0.0.7")
    operator.patch("/api/v1/venues/chapel/", levels, format="json")  # nothing changes
    operator.patch("/api/v1/venues/chapel/", {"battery_critical_minutes": 30}, format="json")
    entries = AuditEntry.objects.filter(action=AuditAction.VENUE_CHANGED).order_by("pk")
    assert [(e.actor, e.venue_slug, e.changes) for e in entries] == [
        (
            "operator",
            "chapel",
            {
                "battery_replace_minutes": {"old": None, "new": 60},
                "battery_critical_minutes": {"old": None, "new": 20},
            },
        ),
        ("operator", "chapel", {"battery_critical_minutes": {"old": 20, "new": 30}}),
    ]
    assert entries[0].address == "10.0.0.7"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"battery_replace_minutes": 20, "battery_critical_minutes": 60},
            "battery_critical_minutes",
        ),
        (
            {"battery_replace_minutes": "60", "battery_critical_minutes": 20},
            "battery_replace_minutes",
        ),
        ({"battery_replace_minutes": 60}, "battery_critical_minutes"),
        ({"name": "Renamed"}, "name"),
    ],
)
def test_bad_runtime_levels_are_a_400_naming_the_field(
    operator: APIClient, body: dict[str, object], field: str
) -> None:
    operator.post("/api/v1/venues/", {"name": "Chapel"})
    refused = operator.patch("/api/v1/venues/chapel/", body, format="json")
    assert refused.status_code == 400
    assert field in refused.json()["error"]["details"]
    assert Venue.objects.get(slug="chapel").battery_replace_minutes is None
    assert not AuditEntry.objects.filter(action=AuditAction.VENUE_CHANGED).exists()


def test_a_venue_shows_whether_its_worker_reports(reader: APIClient) -> None:
    venue, _ = make_polled_venue()
    quiet = make_venue()
    receivers = [*Receiver.objects.filter(venue=venue), make_receiver(venue)]
    url = f"/api/v1/venues/{venue.slug}/"
    assert reader.get(url).json()["worker"] == {
        "reporting": True,
        "not_reporting_since": None,
        "message": "",
        "fresh_receivers": 2,
        "stale_receivers": 0,
    }
    newest = timezone.now() - timedelta(seconds=receivers[0].poll_interval * 3 + 1)
    Receiver.objects.filter(pk=receivers[0].pk).update(last_sync_at=newest)
    Receiver.objects.filter(pk=receivers[1].pk).update(
        last_sync_at=newest - timedelta(minutes=5), created_at=newest - timedelta(minutes=6)
    )
    worker = reader.get(url).json()["worker"]
    assert (worker["reporting"], worker["fresh_receivers"], worker["stale_receivers"]) == (
        False,
        0,
        2,
    )
    assert datetime.fromisoformat(worker["not_reporting_since"]) == newest
    assert worker["message"] == f"venue worker not reporting since {newest:%H:%M:%S}"
    listed = {v["slug"]: v["worker"] for v in reader.get("/api/v1/venues/").json()["results"]}
    assert listed[venue.slug] == worker
    # A venue without receivers has nothing to report: its worker is not missed.
    assert listed[quiet.slug]["reporting"] is True


def venue_channels(channels: int = 4) -> tuple[Venue, list[int]]:
    return make_polled_venue(channels=channels)


def test_an_operator_saves_changes_and_deletes_a_group(operator: APIClient) -> None:
    venue, channels = venue_channels()
    body = {"venue": venue.slug, "number": 1, "title": "Vocals", "channels": channels[2:0:-1]}
    created = operator.post("/api/v1/groups/", body)
    assert created.status_code == 201
    group = created.json()
    assert group["channels"] == [channels[2], channels[1]]

    patched = operator.patch(f"/api/v1/groups/{group['id']}/", {"title": "Lead vocals"}).json()
    assert (patched["title"], patched["channels"]) == ("Lead vocals", group["channels"])
    replaced = operator.put(
        f"/api/v1/groups/{group['id']}/", {"number": 2, "title": "All", "channels": channels}
    ).json()
    assert (replaced["number"], replaced["channels"]) == (2, channels)

    listed = operator.get(f"/api/v1/groups/?venue={venue.slug}").json()
    assert [g["id"] for g in listed["results"]] == [group["id"]]
    assert operator.delete(f"/api/v1/groups/{group['id']}/").status_code == 204
    assert not ChannelGroup.objects.exists()


def test_a_group_refuses_other_venues_channels_and_a_taken_key(operator: APIClient) -> None:
    venue, _ = venue_channels()
    _, foreign = venue_channels()
    body = {"venue": venue.slug, "number": 3, "title": "Mixed", "channels": foreign[:1]}
    response = operator.post("/api/v1/groups/", body)
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"channels"}

    operator.post("/api/v1/groups/", {"venue": venue.slug, "number": 3, "title": "First"})
    taken = operator.post("/api/v1/groups/", {"venue": venue.slug, "number": 3, "title": "Dup"})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "conflict")
    out_of_range = operator.post(
        "/api/v1/groups/", {"venue": venue.slug, "number": 10, "title": "Ten"}
    )
    assert out_of_range.status_code == 400
