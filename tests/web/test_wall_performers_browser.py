"""Performers on the wall in real Chromium: the assigned performer's name and photo on the
tile, the channel ID still there, and a swap shown within one refresh."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.remote.webdriver import WebDriver

from micboard.composition import photo_limits
from micboard.devtools.sample_wall import sample_venue
from micboard.models import Receiver
from micboard.services.kiosk import kiosk_link_create
from micboard.services.performers import assignment_swap, performer_photo_set
from tests.factories import image_bytes, make_assignment, make_performer
from tests.payloads import JsonObject, json_object, json_objects
from tests.waiting import wait_for
from tests.web.browser import measure_wall, screenshot, viewport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

REFRESH = 1.0  # the page asks once a second
SIZES = [(1920, 1080), (1280, 720)]


@pytest.fixture
def sized(browser: WebDriver) -> Iterator[Callable[[int, int], None]]:
    yield lambda width, height: viewport(browser, width, height)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def by_key(wall: JsonObject) -> dict[str, JsonObject]:
    return {t["key"]: t for t in json_objects(wall["tiles"])}


@pytest.mark.parametrize("tiles", [8, 32, 120])
@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
def test_an_assigned_performer_shows_with_name_and_photo_and_a_swap_within_one_refresh(
    browser: WebDriver,
    live_server: LiveServer,
    sized: Callable[[int, int], None],
    size: tuple[int, int],
    tiles: int,
) -> None:
    sized(*size)
    venue = sample_venue(
        name="Playhouse", slug=f"playhouse-{tiles}", tiles=tiles, unreachable=False
    )
    receiver = Receiver.objects.filter(venue=venue).order_by("name").first()
    assert receiver is not None
    maria = make_performer(venue, "Maria", part="Act 2 lead")
    performer_photo_set(
        performer=maria, data=image_bytes("PNG", (600, 800)), filename="maria.png",
        limits=photo_limits(),
    )  # fmt: skip
    ben = make_performer(venue, "Ben", part="Narrator")
    first = make_assignment(maria, receiver, 1)
    make_assignment(ben, receiver, 2)
    token = kiosk_link_create(venue=venue, label="TV", created_by="test").token
    browser.get(f"{live_server.url}/kiosk/{token}/")
    one, two = f"{receiver.pk}:1", f"{receiver.pk}:2"
    wall = json_object(
        wait_for(
            lambda: (
                (found := measure_wall(browser))
                and len(found["tiles"]) == tiles
                and by_key(found)[one]["photo"]
                and found
            ),
            timeout=10,
            what="the wall with Maria's photo",
        )
    )
    shown = by_key(wall)
    assert (shown[one]["name"], shown[one]["performer"], shown[one]["sub"]) == (
        "Maria", "Maria", "Act 2 lead",
    )  # fmt: skip
    assert shown[one]["photo"].startswith("/performers/")  # served here, signed
    assert shown[two]["name"] == "Ben"
    assert not shown[two]["photo"]  # no photo: none drawn
    chan_id = browser.execute_script(
        "return document.querySelector(`.tile[data-key='${arguments[0]}'] .chan-id`).textContent",
        one,
    )
    assert chan_id == "BP01"  # the channel ID stays on the tile
    others = [t for k, t in shown.items() if k not in (one, two)]
    assert all(t["performer"] is None for t in others)
    heights = {round(t["rect"]["height"]) for t in wall["tiles"]}
    assert max(heights) - min(heights) <= 1  # a photo makes no tile taller
    screenshot(browser, f"wall-performers-{size[0]}x{size[1]}-{tiles}")

    assignment_swap(assignment=first, receiver=receiver, channel_number=2)
    swapped_at = time.monotonic()
    wait_for(
        lambda: (
            (names := by_key(measure_wall(browser)))[one]["name"] == "Ben"
            and names[two]["name"] == "Maria"
        ),
        timeout=REFRESH + 1.5,
        interval=0.05,
        what="the swap on the wall",
    )
    assert time.monotonic() - swapped_at < REFRESH + 1.5  # the next refresh, not a reload
