"""Performers, events and assignments through the API: each validation, swaps, CSV import and
export, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from micboard.models import Assignment, Event, Performer, Receiver, Venue
from tests.factories import (
    image_bytes,
    make_assignment,
    make_event,
    make_performer,
    make_receiver,
    make_venue,
)

pytestmark = pytest.mark.django_db


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) == {"code", "message", "details"}
    return dict(body)


@pytest.fixture
def venue() -> Venue:
    venue = make_venue()
    venue.time_zone = "Europe/Berlin"
    venue.save()
    return venue


@pytest.fixture
def receiver(venue: Venue) -> Receiver:
    receiver = make_receiver(venue, model="ULXD4D")
    receiver.name = "Rack 1"
    receiver.save()
    return receiver


# --- performers ---------------------------------------------------------------------------


def test_a_performer_is_created_listed_changed_and_deleted(
    operator: APIClient, venue: Venue
) -> None:
    body = {"venue": venue.slug, "name": "Maria", "part": "Lead", "notes": "left hip"}
    created = operator.post("/api/v1/performers/", body, format="json")
    assert created.status_code == 201
    shown = created.json()
    assert {k: shown[k] for k in ("venue", "name", "part", "notes", "photo_url")} == {
        "venue": venue.slug, "name": "Maria", "part": "Lead", "notes": "left hip", "photo_url": "",
    }  # fmt: skip
    listed = operator.get(f"/api/v1/performers/?venue={venue.slug}").json()
    assert [p["name"] for p in listed["results"]] == ["Maria"]
    url = f"/api/v1/performers/{shown['id']}/"
    changed = operator.patch(url, {"part": "Understudy"}, format="json")
    assert changed.json()["part"] == "Understudy"
    assert changed.json()["notes"] == "left hip"
    assert operator.delete(url).status_code == 204
    assert not Performer.objects.exists()


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"name": "Maria"}, {"venue": ["This field is required."]}),
        ({"venue": "nowhere", "name": "Maria"},
         {"venue": ["Object with slug=nowhere does not exist."]}),
        ({"venue": "{slug}", "name": 5}, {"name": ["Expected a string, got int."]}),
        ({"venue": "{slug}", "name": ""}, {"name": ["This field may not be blank."]}),
        ({"venue": "{slug}", "name": "x" * 121},
         {"name": ["Ensure this field has no more than 120 characters."]}),
        ({"venue": "{slug}", "name": "Maria", "photo": "x.jpg"},
         {"photo": "not a field this request may set"}),
        ({"venue": "{slug}", "name": "Ma\u202eria"},
         {"name": "control or formatting character U+202E is not allowed"}),
        ({"venue": "{slug}", "name": "  "}, {"name": ["This field may not be blank."]}),
    ],
)  # fmt: skip
def test_a_bad_performer_is_a_400_naming_the_field(
    operator: APIClient, venue: Venue, body: dict[str, Any], details: dict[str, Any]
) -> None:
    body = {k: (v.format(slug=venue.slug) if isinstance(v, str) else v) for k, v in body.items()}
    found = error(operator.post("/api/v1/performers/", body, format="json"), 400)
    assert found["code"] == "validation_error"
    assert found["details"] == details


def test_a_taken_name_is_a_409(operator: APIClient, venue: Venue) -> None:
    make_performer(venue, "Maria")
    body = {"venue": venue.slug, "name": "Maria"}
    found = error(operator.post("/api/v1/performers/", body, format="json"), 409)
    assert found["details"] == {"name": "Maria"}


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_uploaded_shown_and_removed(operator: APIClient, venue: Venue) -> None:
    performer = make_performer(venue)
    url = f"/api/v1/performers/{performer.pk}/photo/"
    response = operator.post(url, {"photo": upload("maria.png", image_bytes())}, format="multipart")
    assert response.status_code == 200
    shown = response.json()
    assert shown["photo_source"] == "maria.png"
    assert shown["tile_url"].startswith(f"/performers/{performer.pk}/tile.jpg?sig=")
    assert operator.get(shown["tile_url"]).status_code == 200
    assert operator.delete(url).status_code == 204
    assert operator.get(f"/api/v1/performers/{performer.pk}/").json()["photo_url"] == ""


@pytest.mark.parametrize(
    ("files", "details"),
    [
        ({}, {"photo": ["No file was submitted."]}),
        ({"photo": upload("x.png", b"")}, {"photo": "the file is empty"}),
        ({"photo": upload("x.png", b"<svg/>", "image/svg+xml")},
         {"photo": "not a JPEG, PNG or WebP image"}),
        ({"photo": upload("x.gif", image_bytes("GIF"), "image/gif")},
         {"photo": "not a JPEG, PNG or WebP image"}),
    ],
)  # fmt: skip
def test_a_bad_photo_is_a_400(
    operator: APIClient, venue: Venue, files: dict[str, Any], details: dict[str, Any]
) -> None:
    url = f"/api/v1/performers/{make_performer(venue).pk}/photo/"
    assert error(operator.post(url, files, format="multipart"), 400)["details"] == details


def test_a_photo_over_the_limit_is_a_400(operator: APIClient, venue: Venue, settings: Any) -> None:
    settings.MICBOARD_PHOTO_MAX_BYTES = 1000
    url = f"/api/v1/performers/{make_performer(venue).pk}/photo/"
    big = upload("big.png", image_bytes("PNG", (400, 400), compress_level=0))
    found = error(operator.post(url, {"photo": big}, format="multipart"), 400)
    assert found["details"] == {"photo": "the file is larger than the 1000 bytes accepted"}


def test_a_photo_as_json_is_a_415(operator: APIClient, venue: Venue) -> None:
    url = f"/api/v1/performers/{make_performer(venue).pk}/photo/"
    assert error(operator.post(url, {"photo": "x"}, format="json"), 415)


def test_a_reader_may_not_set_a_photo(reader: APIClient, venue: Venue) -> None:
    url = f"/api/v1/performers/{make_performer(venue).pk}/photo/"
    response = reader.post(url, {"photo": upload("m.png", image_bytes())}, format="multipart")
    assert error(response, 403)["code"] == "permission_denied"
    created = reader.post("/api/v1/performers/", {"venue": venue.slug, "name": "Eve"})
    assert error(created, 403)["code"] == "permission_denied"


# --- events -------------------------------------------------------------------------------


def test_an_events_times_are_read_and_shown_in_the_venues_time_zone(
    operator: APIClient, venue: Venue
) -> None:
    body = {
        "venue": venue.slug,
        "name": "Hamlet, Act 1",
        "starts_at": "2026-12-06T19:30",
        "ends_at": "2026-12-06T20:45:00Z",
    }
    response = operator.post("/api/v1/events/", body, format="json")
    assert response.status_code == 201
    assert response.json()["starts_at"] == "2026-12-06T19:30:00+01:00"
    assert response.json()["ends_at"] == "2026-12-06T21:45:00+01:00"
    assert response.json()["time_zone"] == "Europe/Berlin"
    event = Event.objects.get()
    assert event.starts_at.isoformat() == "2026-12-06T18:30:00+00:00"


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        ({"starts_at": "tomorrow"},
         {"starts_at": ["Expected an ISO 8601 date and time, e.g. 2026-12-06T19:30."]}),
        ({"starts_at": "2026-13-01T10:00"},
         {"starts_at": ["Expected an ISO 8601 date and time, e.g. 2026-12-06T19:30."]}),
        ({"starts_at": 1764000000}, {"starts_at": ["Expected a string, got int."]}),
        ({"ends_at": "2026-12-06T19:00"}, {"ends_at": "must be later than starts_at"}),
        ({"name": "Act\t1"}, {"name": "control or formatting character U+0009 is not allowed"}),
    ],
)  # fmt: skip
def test_a_bad_event_is_a_400(
    operator: APIClient, venue: Venue, changes: dict[str, Any], details: dict[str, Any]
) -> None:
    body = {
        "venue": venue.slug,
        "name": "Act 1",
        "starts_at": "2026-12-06T19:30",
        "ends_at": "2026-12-06T21:00",
        **changes,
    }
    assert error(operator.post("/api/v1/events/", body, format="json"), 400)["details"] == details


# --- assignments --------------------------------------------------------------------------


def test_an_assignment_is_made_and_listed(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    performer = make_performer(venue, "Maria")
    body = {"performer": performer.pk, "receiver": receiver.pk, "channel_number": 2}
    response = operator.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 201
    shown = response.json()
    assert (shown["performer_name"], shown["receiver_name"], shown["event"]) == (
        "Maria", "Rack 1", None,
    )  # fmt: skip
    listed = operator.get(f"/api/v1/assignments/?venue={venue.slug}&performer={performer.pk}")
    assert [a["id"] for a in listed.json()["results"]] == [shown["id"]]


def test_bad_assignments_are_400s_and_a_taken_channel_a_409(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    performer = make_performer(venue)
    foreign = make_receiver(make_venue())
    base = {"performer": performer.pk, "receiver": receiver.pk, "channel_number": 1}
    cases = [
        ({"performer": 999999}, {"performer": ['Invalid pk "999999" - object does not exist.']}),
        ({"performer": "1"}, {"performer": ["Expected an integer ID, got str."]}),
        ({"receiver": foreign.pk}, {"receiver": "not a receiver of the performer's venue"}),
        ({"channel_number": 3}, {"channel_number": "Rack 1 has channels 1-2, not 3"}),
        ({"channel_number": 0}, {"channel_number": ["Ensure this value is greater than or equal to 1."]}),  # noqa: E501
        ({"event": 999999}, {"event": ['Invalid pk "999999" - object does not exist.']}),
    ]  # fmt: skip
    for change, details in cases:
        response = operator.post("/api/v1/assignments/", {**base, **change}, format="json")
        assert error(response, 400)["details"] == details, change
    assert operator.post("/api/v1/assignments/", base, format="json").status_code == 201
    taken = error(operator.post("/api/v1/assignments/", base, format="json"), 409)
    assert taken["message"] == "Rack 1 ch1 (standing) already has a performer"


def test_a_swap_is_one_call(operator: APIClient, venue: Venue, receiver: Receiver) -> None:
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    first = make_assignment(maria, receiver, 1)
    make_assignment(ben, receiver, 2)
    body = {"receiver": receiver.pk, "channel_number": 2}
    response = operator.post(f"/api/v1/assignments/{first.pk}/swap/", body, format="json")
    assert response.status_code == 200
    result = response.json()
    assert (result["moved"]["performer_name"], result["moved"]["channel_number"]) == ("Maria", 2)
    assert (result["displaced"]["performer_name"], result["displaced"]["channel_number"]) == (
        "Ben", 1,
    )  # fmt: skip
    free = operator.post(
        f"/api/v1/assignments/{first.pk}/swap/",
        {"receiver": receiver.pk, "channel_number": 2},
        format="json",
    ).json()
    assert free["displaced"]["performer_name"] == "Maria"


def test_a_bad_swap_is_a_400_and_a_reader_may_not_swap(
    operator: APIClient, reader: APIClient, venue: Venue, receiver: Receiver
) -> None:
    assignment = make_assignment(make_performer(venue), receiver, 1)
    url = f"/api/v1/assignments/{assignment.pk}/swap/"
    cases = [
        ({"receiver": receiver.pk}, {"channel_number": ["This field is required."]}),
        ({"receiver": receiver.pk, "channel_number": 5},
         {"channel_number": "Rack 1 has channels 1-2, not 5"}),
        ({"receiver": receiver.pk, "channel_number": 2, "event": None},
         {"event": "not a field this request may set"}),
    ]  # fmt: skip
    for body, details in cases:
        assert error(operator.post(url, body, format="json"), 400)["details"] == details
    assert error(reader.post(url, {"receiver": receiver.pk, "channel_number": 2}), 403)
    assert error(operator.post("/api/v1/assignments/999999/swap/", {}, format="json"), 404)


# --- CSV import and export ----------------------------------------------------------------


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("cast.csv", text.encode(), content_type="text/csv")


CSV = "performer,part,receiver,channel,photo\nMaria,Lead,Rack 1,1,maria.png\nBen,,Rack 1,2,\n"


def test_a_dry_run_reports_and_changes_nothing(
    reader: APIClient, venue: Venue, receiver: Receiver
) -> None:
    body = {"venue": venue.slug, "file": csv_file(CSV + "Eve,,Rack 7,1,\n")}
    response = reader.post("/api/v1/assignments/import-check/", body, format="multipart")
    assert response.status_code == 200
    report = response.json()
    assert report["applied"] is False
    assert report["rows"] == 3
    assert report["rejected"] == [
        {"line": 2, "reason": "photo 'maria.png' was not sent with the file"},
        {"line": 4, "reason": "no receiver is named 'Rack 7'"},
    ]
    assert [c["text"] for c in report["changes"]] == [
        "create performer Ben", "assign Ben to Rack 1 ch2 (standing)",
    ]  # fmt: skip
    assert not Performer.objects.exists()


def test_an_import_applies_a_clean_file_with_its_photos(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    body = {
        "venue": venue.slug,
        "file": csv_file(CSV),
        "photos": [upload("maria.png", image_bytes())],
    }
    response = operator.post("/api/v1/assignments/import/", body, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert Assignment.objects.count() == 2
    assert Performer.objects.get(name="Maria").photo_source == "maria.png"
    exported = operator.get(f"/api/v1/assignments/export/?venue={venue.slug}")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported.content.decode().splitlines() == [
        "performer,part,receiver,channel,channel_name,event,photo",
        "Maria,Lead,Rack 1,1,,,maria.png",
        "Ben,,Rack 1,2,,,",
    ]


def test_an_import_with_a_rejected_row_is_a_400_and_imports_nothing(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    body = {"venue": venue.slug, "file": csv_file(CSV)}
    found = error(operator.post("/api/v1/assignments/import/", body, format="multipart"), 400)
    assert found["message"] == "1 rows rejected; nothing was imported"
    assert found["details"]["rejected"] == [
        {"line": 2, "reason": "photo 'maria.png' was not sent with the file"}
    ]
    assert found["details"]["applied"] is False
    assert not Performer.objects.exists()


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"file": "x"}, {"venue": ["This field is required."],
                         "file": ["The submitted data was not a file. Check the encoding type on the form."]}),  # noqa: E501
        ({"venue": "nowhere", "file": csv_file(CSV)}, {"venue": "no venue has this slug"}),
        ({"venue": "{slug}", "file": csv_file("name,seat\n")},
         {"columns": "unknown: name, seat; known: performer, part, receiver, channel, "
                     "channel_name, event, photo"}),
    ],
)  # fmt: skip
def test_an_unreadable_import_is_a_400(
    operator: APIClient, venue: Venue, body: dict[str, Any], details: dict[str, Any]
) -> None:
    body = {k: (v.format(slug=venue.slug) if isinstance(v, str) else v) for k, v in body.items()}
    response = operator.post("/api/v1/assignments/import-check/", body, format="multipart")
    assert error(response, 400)["details"] == details


def test_a_reader_may_check_but_not_import(reader: APIClient, venue: Venue) -> None:
    response = reader.post(
        "/api/v1/assignments/import/",
        {"venue": venue.slug, "file": csv_file(CSV)},
        format="multipart",
    )
    assert error(response, 403)["code"] == "permission_denied"


def test_an_export_needs_a_known_venue(operator: APIClient, anonymous: APIClient) -> None:
    assert error(operator.get("/api/v1/assignments/export/"), 400)["details"] == {
        "venue": ["This field is required."]
    }
    assert error(operator.get("/api/v1/assignments/export/?venue=nowhere"), 404)
    assert error(anonymous.get("/api/v1/assignments/export/?venue=x"), 401)


def test_events_and_performers_of_other_venues_are_filtered_out(
    operator: APIClient, venue: Venue
) -> None:
    other = make_venue()
    make_performer(other)
    make_event(
        other, starts_at=datetime(2026, 1, 1, tzinfo=UTC), ends_at=datetime(2026, 1, 2, tzinfo=UTC)
    )
    for path in ("performers", "events", "assignments"):
        assert operator.get(f"/api/v1/{path}/?venue={venue.slug}").json()["results"] == []


def test_only_the_photos_the_file_names_are_read(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    body = {
        "venue": venue.slug,
        "file": csv_file(
            "performer,receiver,channel,photo\nMaria,Rack 1,1,m.png\nMaria,Rack 1,2,m.png\n"
        ),
        "photos": [upload("m.png", image_bytes()), upload("unused.png", b"not read")],
    }
    response = operator.post("/api/v1/assignments/import/", body, format="multipart")
    assert response.status_code == 200, response.content
    assert [c["text"] for c in response.json()["changes"]] == [
        "create performer Maria",
        "photo of Maria from m.png",
        "assign Maria to Rack 1 ch1 (standing)",
        "assign Maria to Rack 1 ch2 (standing)",
    ]


def test_an_event_and_an_assignment_are_changed(
    operator: APIClient, venue: Venue, receiver: Receiver
) -> None:
    event = make_event(venue, "Act 1", starts_at=datetime(2026, 12, 6, 18, tzinfo=UTC),
                       ends_at=datetime(2026, 12, 6, 19, tzinfo=UTC))  # fmt: skip
    changed = operator.patch(f"/api/v1/events/{event.pk}/", {"name": "Act 2"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["starts_at"]) == (
        "Act 2", "2026-12-06T19:00:00+01:00",
    )  # fmt: skip
    late = operator.patch(
        f"/api/v1/events/{event.pk}/", {"ends_at": "2026-12-06T18:00"}, format="json"
    )
    assert error(late, 400)["details"] == {"ends_at": "must be later than starts_at"}
    assignment = make_assignment(make_performer(venue), receiver, 1)
    url = f"/api/v1/assignments/{assignment.pk}/"
    moved = operator.patch(url, {"channel_number": 2, "event": event.pk}, format="json")
    assert moved.status_code == 200, moved.content
    assert (moved.json()["channel_number"], moved.json()["event_name"]) == (2, "Act 2")
    assert error(operator.patch(url, {"venue": venue.slug}, format="json"), 400)["details"] == {
        "venue": "not a field this request may set"
    }
    assert operator.delete(url).status_code == 204
    assert operator.delete(f"/api/v1/events/{event.pk}/").status_code == 204
