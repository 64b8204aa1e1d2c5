"""The photo view's access rules, and a swap turning the wall over at its next refresh."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from micboard.composition import photo_limits
from micboard.models import Performer
from micboard.selectors.performers import photo_url
from micboard.services.performers import assignment_swap, performer_photo_set
from micboard.web.access import issue_pass, scope_of
from tests.factories import (
    image_bytes,
    make_assignment,
    make_performer,
    make_polled_receiver,
    make_venue,
)
from tests.roles import user_with_role
from tests.waiting import wait_for


@pytest.fixture
def maria(db: None) -> Performer:
    performer = make_performer(make_venue(), "Maria")
    performer_photo_set(
        performer=performer, data=image_bytes("PNG", (600, 800)), filename="m.png",
        limits=photo_limits(),
    )  # fmt: skip
    return performer


def test_a_wall_without_a_login_loads_a_photo_by_its_signed_address(
    client: Client, maria: Performer
) -> None:
    response = client.get(photo_url(maria))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(BytesIO(response.content))
    assert image.size == (160, 160)


@pytest.mark.parametrize(
    "address",
    [
        "/performers/{pk}/tile.jpg",
        "/performers/{pk}/tile.jpg?sig=forged",
        "/performers/{pk}/photo.jpg?sig={tile_sig}",
        "/performers/{pk}/huge.jpg?sig={tile_sig}",
        "/performers/999999/tile.jpg?sig={tile_sig}",
    ],
)
def test_without_a_login_an_unsigned_or_wrong_address_is_a_404(
    client: Client, maria: Performer, address: str
) -> None:
    tile_sig = photo_url(maria).split("sig=")[1]
    assert client.get(address.format(pk=maria.pk, tile_sig=tile_sig)).status_code == 404


def test_a_viewer_of_the_venue_sees_both_sizes(client: Client, maria: Performer) -> None:
    client.force_login(user_with_role(maria.venue, "viewer"))
    for size, expected in (("tile", (160, 160)), ("photo", (384, 512))):
        response = client.get(f"/performers/{maria.pk}/{size}.jpg")
        assert response.status_code == 200
        assert Image.open(BytesIO(response.content)).size == expected


def test_a_user_of_another_venue_or_of_none_sees_no_photo(client: Client, maria: Performer) -> None:
    for user in (user_with_role(make_venue(), "venue_admin"), user_with_role(None, "")):
        client.force_login(user)
        for size in ("tile", "photo"):
            assert client.get(f"/performers/{maria.pk}/{size}.jpg").status_code == 404


def test_a_performer_without_a_photo_has_none_to_serve(client: Client, db: None) -> None:
    venue = make_venue()
    client.force_login(user_with_role(venue, "viewer"))
    performer = make_performer(venue)
    assert client.get(f"/performers/{performer.pk}/tile.jpg").status_code == 404


def performers_shown(state: dict[str, Any]) -> dict[int, str]:
    return {t["number"]: t["performer"]["name"] for t in state["tiles"] if t["performer"]}


@pytest.mark.django_db(transaction=True)
def test_a_swap_shows_on_the_wall_at_its_next_refresh(client: Client) -> None:
    venue = make_venue()
    receiver = make_polled_receiver(venue, channels=2)
    maria, ben = make_performer(venue, "Maria"), make_performer(venue, "Ben")
    first = make_assignment(maria, receiver, 1)
    make_assignment(ben, receiver, 2)
    url = f"/wall/{venue.slug}/state.json"
    wall_pass = issue_pass(scope_of(venue))
    before = client.get(url, HTTP_X_WALL_PASS=wall_pass)
    assert performers_shown(json.loads(before.content)) == {1: "Maria", 2: "Ben"}

    assignment_swap(assignment=first, receiver=receiver, channel_number=2)

    def swapped() -> Any:
        response = client.get(url, HTTP_X_WALL_PASS=wall_pass, HTTP_IF_NONE_MATCH=before["ETag"])
        assert response.status_code in {200, 304}  # 304 while the change waits to be rendered
        return json.loads(response.content) if response.status_code == 200 else None

    state = wait_for(swapped, timeout=2, interval=0.05, what="the swapped wall")
    assert performers_shown(state) == {1: "Ben", 2: "Maria"}
