from __future__ import annotations

import pytest

from micboard.exceptions import ConflictError, ValidationError
from micboard.models import ChannelGroup, ChannelGroupMember, Venue
from micboard.services.groups import GroupInput, group_create, group_delete, group_update
from tests.factories import make_polled_venue

pytestmark = pytest.mark.django_db


def polled_venue() -> tuple[Venue, list[int]]:
    return make_polled_venue()


def members(group: ChannelGroup) -> list[int]:
    return list(
        ChannelGroupMember.objects.filter(group=group)
        .order_by("position")
        .values_list("channel_id", flat=True)
    )


def test_a_group_keeps_its_channels_in_order() -> None:
    venue, channels = polled_venue()
    group = group_create(venue=venue, data=GroupInput(0, "  Band  ", (channels[3], channels[0])))
    assert (group.number, group.title, members(group)) == (0, "Band", [channels[3], channels[0]])
    group_update(group=group, data=GroupInput(5, "Band B", tuple(channels[1:3])))
    group.refresh_from_db()
    assert (group.number, group.title, members(group)) == (5, "Band B", channels[1:3])


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (GroupInput(10, "Ten"), {"number"}),
        (GroupInput(1, " "), {"title"}),
        (GroupInput(1, "x" * 61), {"title"}),
        (GroupInput(-1, ""), {"number", "title"}),
    ],
)
def test_invalid_groups_name_their_fields(data: GroupInput, fields: set[str]) -> None:
    venue, _ = polled_venue()
    with pytest.raises(ValidationError) as caught:
        group_create(venue=venue, data=data)
    assert set(caught.value.details) == fields


def test_channels_must_be_the_venues_and_appear_once() -> None:
    venue, channels = polled_venue()
    _, foreign = polled_venue()
    with pytest.raises(ValidationError, match="invalid channel group"):
        group_create(venue=venue, data=GroupInput(1, "Mixed", (channels[0], foreign[0])))
    with pytest.raises(ValidationError) as caught:
        group_create(venue=venue, data=GroupInput(1, "Twice", (channels[0], channels[0])))
    assert "more than once" in str(caught.value.details["channels"])


def test_a_taken_key_is_a_conflict_and_delete_frees_it() -> None:
    venue, _ = polled_venue()
    first = group_create(venue=venue, data=GroupInput(4, "First"))
    with pytest.raises(ConflictError):
        group_create(venue=venue, data=GroupInput(4, "Second"))
    group_delete(group=first)
    assert group_create(venue=venue, data=GroupInput(4, "Second")).title == "Second"
