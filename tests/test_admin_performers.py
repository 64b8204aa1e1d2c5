"""The performers' admin: photos uploaded through the form, events in venue time, the swap
action, and refusals shown on the form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from micboard.models import Assignment, Event, Performer, Venue
from tests.factories import (
    image_bytes,
    make_assignment,
    make_event,
    make_performer,
    make_receiver,
    make_venue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("operator", "op@example.org", "pw"))
    return client


def messages_of(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_a_performer_is_added_with_a_photo(admin_client: Client) -> None:
    venue = make_venue()
    photo = SimpleUploadedFile("maria.png", image_bytes(), content_type="image/png")
    response = admin_client.post(
        "/admin/micboard/performer/add/",
        {"venue": venue.pk, "name": "Maria", "part": "Lead", "notes": "", "upload": photo},
    )
    assert response.status_code == 302, response.content
    performer = Performer.objects.get()
    assert (performer.name, performer.photo_source) == ("Maria", "maria.png")
    listing = admin_client.get("/admin/micboard/performer/").content.decode()
    assert f"/performers/{performer.pk}/tile.jpg?sig=" in listing


def test_a_file_that_is_not_a_photo_is_an_error_on_the_form(admin_client: Client) -> None:
    venue = make_venue()
    bad = SimpleUploadedFile("maria.png", b"not an image", content_type="image/png")
    response = admin_client.post(
        "/admin/micboard/performer/add/",
        {"venue": venue.pk, "name": "Maria", "part": "", "notes": "", "upload": bad},
    )
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert not Performer.objects.exists()


def test_a_control_character_in_a_name_is_an_error_on_the_form(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/micboard/performer/add/",
        {"venue": make_venue().pk, "name": "Ma\x1bria", "part": "", "notes": ""},
    )
    assert response.status_code == 200
    assert "control or formatting character U+001B" in response.content.decode()


def test_an_event_is_entered_in_the_venues_time(admin_client: Client) -> None:
    venue = make_venue()
    venue.time_zone = "America/New_York"
    venue.save()
    response = admin_client.post(
        "/admin/micboard/event/add/",
        {
            "venue": venue.pk,
            "name": "Sunday 9:00",
            "starts_at": "2026-12-06 09:00",
            "ends_at": "2026-12-06 10:30",
        },
    )
    assert response.status_code == 302, response.content
    event = Event.objects.get()
    assert event.starts_at == datetime(2026, 12, 6, 14, 0, tzinfo=UTC)
    page = admin_client.get(f"/admin/micboard/event/{event.pk}/change/").content.decode()
    assert 'value="2026-12-06 09:00:00"' in page
    assert "2026-12-06 09:00" in admin_client.get("/admin/micboard/event/").content.decode()


def test_an_event_ending_before_it_starts_is_an_error_on_the_form(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/micboard/event/add/",
        {"venue": make_venue().pk, "name": "Act 1", "starts_at": "2026-12-06 10:00",
         "ends_at": "2026-12-06 09:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "must be later than starts_at" in response.content.decode()


def two_assigned(venue: Venue) -> tuple[Assignment, Assignment]:
    receiver = make_receiver(venue)
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    return make_assignment(maria, receiver, 1), make_assignment(ben, receiver, 2)


def test_the_swap_action_exchanges_two_performers(admin_client: Client) -> None:
    first, second = two_assigned(make_venue())
    response = admin_client.post(
        "/admin/micboard/assignment/",
        {"action": "swap", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    [message] = messages_of(response)
    assert message.startswith("Swapped: ")
    on = dict(Assignment.objects.values_list("channel_number", "performer__name"))
    assert on == {1: "Ben", 2: "Maria"}


@pytest.mark.parametrize("count", [1, 3])
def test_the_swap_action_needs_exactly_two(admin_client: Client, count: int) -> None:
    venue = make_venue()
    first, second = two_assigned(venue)
    chosen = [first.pk, second.pk, make_assignment(make_performer(venue), first.receiver, 3).pk]
    response = admin_client.post(
        "/admin/micboard/assignment/",
        {"action": "swap", "_selected_action": chosen[:count]},
        follow=True,
    )
    assert messages_of(response) == ["Select exactly two assignments to swap."]
    assert Assignment.objects.get(pk=first.pk).performer.name == "Maria"


def test_the_swap_action_refuses_a_standing_and_an_event_assignment(admin_client: Client) -> None:
    venue = make_venue()
    first, second = two_assigned(venue)
    event = make_event(
        venue, starts_at=datetime(2026, 1, 1, tzinfo=UTC), ends_at=datetime(2026, 1, 2, tzinfo=UTC)
    )
    second.event = event
    second.save()
    response = admin_client.post(
        "/admin/micboard/assignment/",
        {"action": "swap", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert messages_of(response) == ["Both assignments must be standing, or for the same event."]


def test_an_assignment_past_the_receivers_channels_is_an_error_on_the_form(
    admin_client: Client,
) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4")
    response = admin_client.post(
        "/admin/micboard/assignment/add/",
        {"performer": make_performer(venue).pk, "receiver": receiver.pk, "channel_number": 2},
    )
    assert response.status_code == 200
    assert f"{receiver.name} has channels 1-1, not 2" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_name_the_venue_has_is_an_error_on_the_add_form(admin_client: Client) -> None:
    venue = make_venue()
    make_performer(venue, "Maria")
    response = admin_client.post(
        "/admin/micboard/performer/add/", {"venue": venue.pk, "name": "Maria", "part": ""}
    )
    assert response.status_code == 200
    assert "Performer with this Venue and Name already exists." in response.content.decode()
    assert Performer.objects.count() == 1


def test_a_photo_is_replaced_or_removed_on_the_change_form(admin_client: Client) -> None:
    venue = make_venue()
    performer = make_performer(venue, "Maria")
    url = f"/admin/micboard/performer/{performer.pk}/change/"
    photo = SimpleUploadedFile("maria.png", image_bytes(), content_type="image/png")
    response = admin_client.post(url, {"name": "Maria", "part": "Lead", "upload": photo})
    assert response.status_code == 302, response.content
    performer.refresh_from_db()
    assert (performer.part, performer.photo_source) == ("Lead", "maria.png")
    assert "maria.png" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"name": "Maria", "part": "Lead", "remove_photo": "on"})
    assert response.status_code == 302
    performer.refresh_from_db()
    assert performer.photo_tile.name == ""


def test_an_event_is_moved_on_its_change_form_and_deleted(admin_client: Client) -> None:
    venue = make_venue()
    event = make_event(
        venue, "Act 1", starts_at=datetime(2026, 1, 1, 10, tzinfo=UTC),
        ends_at=datetime(2026, 1, 1, 11, tzinfo=UTC),
    )  # fmt: skip
    url = f"/admin/micboard/event/{event.pk}/change/"
    response = admin_client.post(
        url, {"name": "Act 2", "starts_at": "2026-01-01 12:00", "ends_at": "2026-01-01 13:00"}
    )
    assert response.status_code == 302, response.content
    event.refresh_from_db()
    assert (event.name, event.starts_at) == ("Act 2", datetime(2026, 1, 1, 12, tzinfo=UTC))
    response = admin_client.post(
        "/admin/micboard/event/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Event.objects.exists()


def test_assignments_are_changed_and_deleted_through_the_admin(admin_client: Client) -> None:
    first, second = two_assigned(make_venue())
    url = f"/admin/micboard/assignment/{first.pk}/change/"
    response = admin_client.post(
        url,
        {"performer": first.performer_id, "receiver": first.receiver_id, "channel_number": 3},
    )
    assert response.status_code == 302, response.content
    first.refresh_from_db()
    assert first.channel_number == 3
    response = admin_client.post(
        "/admin/micboard/assignment/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    listing = admin_client.get("/admin/micboard/performer/")
    assert listing.status_code == 200
