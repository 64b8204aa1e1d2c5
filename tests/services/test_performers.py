"""Performers, events and assignments through their services: validation, photos in storage,
time zones, conflicts and swaps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage

from micboard.composition import device_service, photo_limits
from micboard.exceptions import ConflictError, ValidationError
from micboard.models import Assignment, Performer
from micboard.services.dto import ReceiverInput
from micboard.services.performers import (
    AssignmentInput,
    EventInput,
    PerformerInput,
    assignment_create,
    assignment_swap,
    assignment_update,
    event_create,
    event_update,
    performer_create,
    performer_delete,
    performer_photo_clear,
    performer_photo_set,
    performer_update,
)
from tests.factories import (
    image_bytes,
    make_assignment,
    make_event,
    make_performer,
    make_receiver,
    make_venue,
)

pytestmark = pytest.mark.django_db(transaction=True)


def details(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, object]:
    return dict(error.value.details)


# --- performers ---------------------------------------------------------------------------


def test_a_performer_is_stored_trimmed() -> None:
    venue = make_venue()
    performer = performer_create(
        venue=venue, data=PerformerInput("  Maria Keller ", " Act 2 lead ", " left hip ")
    )
    performer.refresh_from_db()
    assert (performer.name, performer.part, performer.notes) == (
        "Maria Keller",
        "Act 2 lead",
        "left hip",
    )


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (PerformerInput(" "), "name", "required"),
        (PerformerInput("x" * 121), "name", "at most 120 characters"),
        (
            PerformerInput("Maria\x07"),
            "name",
            "control or formatting character U+0007 is not allowed",
        ),
        (
            PerformerInput("Maria", "Lead\u202e"),
            "part",
            "control or formatting character U+202E is not allowed",
        ),
        (PerformerInput("Maria", "x" * 121), "part", "at most 120 characters"),
        (PerformerInput("Maria", "", "n" * 4001), "notes", "at most 4000 characters"),
    ],
)
def test_a_performer_with_a_bad_field_is_refused(
    data: PerformerInput, field: str, problem: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        performer_create(venue=make_venue(), data=data)
    assert details(caught) == {field: problem}
    assert not Performer.objects.exists()


def test_a_name_is_unique_within_its_venue_only() -> None:
    venue, other = make_venue(), make_venue()
    make_performer(venue, "Maria")
    make_performer(other, "Maria")
    with pytest.raises(ConflictError) as caught:
        make_performer(venue, "Maria")
    assert caught.value.details == {"name": "Maria"}
    ben = make_performer(venue, "Ben")
    with pytest.raises(ConflictError):
        performer_update(performer=ben, data=PerformerInput("Maria"))


def test_a_photo_is_stored_in_two_sizes_and_replaced_files_are_deleted() -> None:
    performer = make_performer(make_venue())
    performer_photo_set(
        performer=performer,
        data=image_bytes("PNG", (600, 800)),
        filename="C:\\photos\\maria.png",
        limits=photo_limits(),
    )
    first = (performer.photo.name, performer.photo_tile.name)
    assert performer.photo_source == "maria.png"
    assert all(default_storage.exists(name) for name in first)
    performer_photo_set(
        performer=performer, data=image_bytes("JPEG"), filename="new.jpg", limits=photo_limits()
    )
    assert not any(default_storage.exists(name) for name in first)
    assert default_storage.exists(performer.photo_tile.name)
    second = (performer.photo.name, performer.photo_tile.name)
    performer_photo_clear(performer=performer)
    performer.refresh_from_db()
    assert (performer.photo.name, performer.photo_tile.name, performer.photo_source) == ("", "", "")
    assert not any(default_storage.exists(name) for name in second)


def test_a_refused_photo_keeps_the_old_one() -> None:
    performer = make_performer(make_venue())
    performer_photo_set(
        performer=performer, data=image_bytes(), filename="a.png", limits=photo_limits()
    )
    kept = performer.photo_tile.name
    with pytest.raises(ValidationError) as caught:
        performer_photo_set(
            performer=performer, data=b"GIF89a", filename="b.gif", limits=photo_limits()
        )
    assert details(caught) == {"photo": "not a JPEG, PNG or WebP image"}
    performer.refresh_from_db()
    assert performer.photo_tile.name == kept
    assert default_storage.exists(kept)


def test_deleting_a_performer_deletes_the_photo_files_and_assignments() -> None:
    venue = make_venue()
    performer = make_performer(venue)
    make_assignment(performer, make_receiver(venue), 1)
    performer_photo_set(
        performer=performer, data=image_bytes(), filename="a.png", limits=photo_limits()
    )
    names = (performer.photo.name, performer.photo_tile.name)
    performer_delete(performer=performer)
    assert not any(default_storage.exists(name) for name in names)
    assert not Assignment.objects.exists()


# --- events -------------------------------------------------------------------------------


def test_an_event_without_an_offset_is_read_in_the_venues_time_zone() -> None:
    venue = make_venue()
    venue.time_zone = "Europe/Berlin"
    venue.save()
    event = event_create(
        venue=venue,
        data=EventInput("Hamlet, Act 1", datetime(2026, 12, 6, 19, 30), datetime(2026, 12, 6, 21)),
    )
    event.refresh_from_db()
    assert event.starts_at == datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
    aware = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)
    event_update(
        event=event, data=EventInput("Hamlet, Act 1", aware, datetime(2026, 12, 7, tzinfo=UTC))
    )
    event.refresh_from_db()
    assert event.starts_at == aware


@pytest.mark.parametrize(
    ("name", "start", "end", "problem"),
    [
        ("", datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11), {"name": "required"}),
        (
            "Act\n1",
            datetime(2026, 1, 1, 10),
            datetime(2026, 1, 1, 11),
            {"name": "control or formatting character U+000A is not allowed"},
        ),
        (
            "Act 1",
            datetime(2026, 1, 1, 10),
            datetime(2026, 1, 1, 10),
            {"ends_at": "must be later than starts_at"},
        ),
        (
            "Act 1",
            datetime(2026, 1, 1, 11),
            datetime(2026, 1, 1, 10),
            {"ends_at": "must be later than starts_at"},
        ),
    ],
)
def test_an_event_with_bad_fields_is_refused(
    name: str, start: datetime, end: datetime, problem: dict[str, str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        event_create(venue=make_venue(), data=EventInput(name, start, end))
    assert details(caught) == problem


def test_an_event_name_is_unique_within_its_venue() -> None:
    venue = make_venue()
    start, end = datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11)
    make_event(venue, "Sunday 9:00", starts_at=start, ends_at=end)
    with pytest.raises(ConflictError):
        make_event(venue, "Sunday 9:00", starts_at=start, ends_at=end)


# --- assignments --------------------------------------------------------------------------


def test_an_assignment_must_stay_within_one_venue_and_the_receivers_channels() -> None:
    venue, other = make_venue(), make_venue()
    performer = make_performer(venue)
    receiver = make_receiver(venue, model="ULXD4D")
    foreign_event = make_event(
        other, starts_at=datetime(2026, 1, 1, 10), ends_at=datetime(2026, 1, 1, 11)
    )
    cases = [
        (
            AssignmentInput(performer, make_receiver(other), 1),
            {"receiver": "not a receiver of the performer's venue"},
        ),
        (
            AssignmentInput(performer, receiver, 3),
            {"channel_number": f"{receiver.name} has channels 1-2, not 3"},
        ),
        (
            AssignmentInput(performer, receiver, 1, foreign_event),
            {"event": "not an event of the performer's venue"},
        ),
    ]
    for data, problem in cases:
        with pytest.raises(ValidationError) as caught:
            assignment_create(data=data)
        assert details(caught) == problem
    assert not Assignment.objects.exists()


def test_a_channel_has_one_standing_performer_and_one_per_event() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    event = make_event(venue, starts_at=datetime(2026, 1, 1, 10), ends_at=datetime(2026, 1, 1, 11))
    make_assignment(maria, receiver, 1)
    make_assignment(ben, receiver, 1, event)
    with pytest.raises(ConflictError) as caught:
        make_assignment(ben, receiver, 1)
    assert caught.value.message == f"{receiver.name} ch1 (standing) already has a performer"
    with pytest.raises(ConflictError):
        make_assignment(maria, receiver, 1, event)
    # One performer may wear two transmitters.
    make_assignment(maria, receiver, 2)
    assert Assignment.objects.count() == 3


def test_a_swap_to_a_free_channel_moves_the_performer() -> None:
    venue = make_venue()
    receiver, spare = make_receiver(venue), make_receiver(venue)
    assignment = make_assignment(make_performer(venue), receiver, 1)
    result = assignment_swap(assignment=assignment, receiver=spare, channel_number=3)
    assert result.displaced is None
    assignment.refresh_from_db()
    assert (assignment.receiver_id, assignment.channel_number) == (spare.pk, 3)


def test_a_swap_to_a_taken_channel_exchanges_the_two_performers() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    first, second = make_assignment(maria, receiver, 1), make_assignment(ben, receiver, 2)
    result = assignment_swap(assignment=first, receiver=receiver, channel_number=2)
    assert (result.moved.pk, result.displaced and result.displaced.pk) == (second.pk, first.pk)
    on = dict(Assignment.objects.values_list("channel_number", "performer__name"))
    assert on == {1: "Ben", 2: "Maria"}


def test_a_swap_stays_within_the_assignments_event() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    event = make_event(venue, starts_at=datetime(2026, 1, 1, 10), ends_at=datetime(2026, 1, 1, 11))
    standing = make_assignment(ben, receiver, 2)
    for_event = make_assignment(maria, receiver, 1, event)
    result = assignment_swap(assignment=for_event, receiver=receiver, channel_number=2)
    assert result.displaced is None  # Ben's standing assignment is another slot
    standing.refresh_from_db()
    assert (standing.performer_id, standing.channel_number) == (ben.pk, 2)
    for_event.refresh_from_db()
    assert (for_event.channel_number, for_event.event_id) == (2, event.pk)


def test_a_swap_to_a_channel_the_receiver_lacks_changes_nothing() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4")
    assignment = make_assignment(make_performer(venue), receiver, 1)
    with pytest.raises(ValidationError):
        assignment_swap(assignment=assignment, receiver=receiver, channel_number=2)
    assignment.refresh_from_db()
    assert assignment.channel_number == 1


def test_an_update_onto_a_taken_channel_is_a_conflict() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    maria, ben = make_performer(venue), make_performer(venue)
    make_assignment(maria, receiver, 1)
    second = make_assignment(ben, receiver, 2)
    with pytest.raises(ConflictError):
        assignment_update(assignment=second, data=AssignmentInput(ben, receiver, 1))


def test_a_receiver_changed_to_fewer_channels_drops_the_assignments_past_them() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4Q")
    performer = make_performer(venue)
    make_assignment(performer, receiver, 2)
    make_assignment(performer, receiver, 3)
    data = ReceiverInput(name=receiver.name, model="ULXD4D", host=receiver.host, port=receiver.port)
    device_service().receiver_update(receiver=receiver, data=data)
    assert list(Assignment.objects.values_list("channel_number", flat=True)) == [2]
