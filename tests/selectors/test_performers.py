"""Who is assigned now, the wall tiles' performer, and what it costs the wall."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from micboard.composition import photo_limits
from micboard.models import Receiver, Venue
from micboard.selectors.performers import assigned_now, photo_signature_valid, photo_url
from micboard.selectors.wall import wall_read
from micboard.services.performers import performer_photo_set
from tests.factories import (
    image_bytes,
    make_assignment,
    make_event,
    make_performer,
    make_polled_receiver,
    make_receiver,
    make_venue,
)
from tests.queries import query_budget

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 19, 0, tzinfo=timezone.get_fixed_timezone(0))
HOUR = timedelta(hours=1)


def performer_on(venue: Venue, receiver: Receiver, number: int, now: datetime = NOW) -> str:
    found = assigned_now(venue=venue, now=now).by_slot.get((receiver.pk, number))
    return found.name if found else ""


def test_the_standing_assignment_shows_when_no_event_runs() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    make_assignment(make_performer(venue, "Maria"), receiver, 1)
    assert performer_on(venue, receiver, 1) == "Maria"
    assert performer_on(venue, receiver, 2) == ""


def test_a_running_event_wins_over_the_standing_assignment_and_ends() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    make_assignment(make_performer(venue, "Maria"), receiver, 1)
    act = make_event(venue, "Act 1", starts_at=NOW - HOUR, ends_at=NOW + HOUR)
    make_assignment(make_performer(venue, "Understudy"), receiver, 1, act)
    assert performer_on(venue, receiver, 1) == "Understudy"
    assert performer_on(venue, receiver, 1, NOW - 2 * HOUR) == "Maria"
    assert performer_on(venue, receiver, 1, NOW + HOUR) == "Maria"  # ends_at is excluded


def test_of_overlapping_events_the_latest_started_wins() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    show = make_event(venue, "Show", starts_at=NOW - 2 * HOUR, ends_at=NOW + 2 * HOUR)
    scene = make_event(venue, "Scene 3", starts_at=NOW - HOUR, ends_at=NOW + HOUR)
    make_assignment(make_performer(venue, "Lead"), receiver, 1, show)
    make_assignment(make_performer(venue, "Cameo"), receiver, 1, scene)
    assert performer_on(venue, receiver, 1) == "Cameo"
    assert performer_on(venue, receiver, 1, NOW + HOUR) == "Lead"


def test_the_next_change_is_the_next_event_start_or_end() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    running = make_event(venue, "Now", starts_at=NOW - HOUR, ends_at=NOW + 2 * HOUR)
    later = make_event(venue, "Later", starts_at=NOW + HOUR, ends_at=NOW + 3 * HOUR)
    make_event(venue, "Unused", starts_at=NOW + timedelta(minutes=5), ends_at=NOW + HOUR)
    performer = make_performer(venue)
    make_assignment(performer, receiver, 1, running)
    make_assignment(performer, receiver, 2, later)
    assert assigned_now(venue=venue, now=NOW).next_change_at == NOW + HOUR
    assert assigned_now(venue=venue, now=NOW + 90 * timedelta(minutes=1)).next_change_at == (
        NOW + 2 * HOUR
    )


def test_another_venues_assignments_are_not_read() -> None:
    venue, other = make_venue(), make_venue()
    receiver = make_receiver(other)
    make_assignment(make_performer(other), receiver, 1)
    assert assigned_now(venue=venue, now=NOW).by_slot == {}
    assert assigned_now(venue=None, now=NOW).by_slot != {}


def tile(state: dict[str, object], key: str) -> dict[str, object]:
    tiles = state["tiles"]
    assert isinstance(tiles, list)
    return next(t for t in tiles if t["key"] == key)


def test_each_tile_names_its_performer_or_null() -> None:
    venue = make_venue()
    receiver = make_polled_receiver(venue, channels=4)
    maria = make_performer(venue, "Maria", part="Act 2 lead")
    make_assignment(maria, receiver, 2)
    make_assignment(make_performer(venue, "Ben"), receiver, 3)
    performer_photo_set(
        performer=maria, data=image_bytes(), filename="m.png", limits=photo_limits()
    )
    state = wall_read(venue=venue, version=1)
    shown = tile(state, f"{receiver.pk}:2")["performer"]
    assert isinstance(shown, dict)
    assert (shown["name"], shown["part"]) == ("Maria", "Act 2 lead")
    assert shown["photo_url"] == photo_url(maria)
    assert str(shown["photo_url"]).startswith(f"/performers/{maria.pk}/tile.jpg?sig=")
    assert tile(state, f"{receiver.pk}:3")["performer"] == {
        "name": "Ben",
        "part": "",
        "photo_url": "",
    }
    assert tile(state, f"{receiver.pk}:1")["performer"] is None


def test_an_unpolled_receivers_tiles_show_their_performer_too() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    make_assignment(make_performer(venue, "Maria"), receiver, 2)
    state = wall_read(venue=venue, version=1)
    assert tile(state, f"{receiver.pk}:2")["performer"] == {
        "name": "Maria",
        "part": "",
        "photo_url": "",
    }


def test_the_wall_changes_by_itself_when_an_assigned_event_starts() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    start = timezone.now() + timedelta(minutes=10)
    event = make_event(venue, starts_at=start, ends_at=start + HOUR)
    make_assignment(make_performer(venue), receiver, 1, event)
    stale_at = wall_read(venue=venue, version=1)["stale_at"]
    assert datetime.fromisoformat(stale_at) <= start


def test_a_photo_address_is_signed_for_its_size_and_file() -> None:
    maria = make_performer(make_venue())
    assert photo_url(maria) == ""
    performer_photo_set(
        performer=maria, data=image_bytes(), filename="m.png", limits=photo_limits()
    )
    signature = photo_url(maria).split("sig=")[1]
    assert photo_signature_valid(maria, size="tile", signature=signature)
    assert not photo_signature_valid(maria, size="photo", signature=signature)
    old = maria.photo_tile.name
    performer_photo_set(
        performer=maria, data=image_bytes(), filename="n.png", limits=photo_limits()
    )
    assert maria.photo_tile.name != old
    assert not photo_signature_valid(maria, size="tile", signature=signature)


def add_assigned(venue: Venue, count: int) -> None:
    for _ in range(count):
        receiver = make_polled_receiver(venue)
        start = timezone.now() - HOUR
        event = make_event(venue, starts_at=start, ends_at=start + 2 * HOUR)
        for number in range(1, 5):
            make_assignment(make_performer(venue), receiver, number)
            make_assignment(make_performer(venue), receiver, number, event)


def test_the_wall_reads_every_tiles_performer_in_one_query() -> None:
    """Receivers, channels, alerts, assignments and the venue's groups (two)."""
    venue = make_venue()
    add_assigned(venue, 1)
    with query_budget(6) as small:
        wall_read(venue=venue, version=1)
    add_assigned(venue, 9)
    with query_budget(small):
        state = wall_read(venue=venue, version=1)
    assert all(t["performer"] for t in state["tiles"])
    with query_budget(4):
        wall_read(venue=None, version=1)
