"""The wall fills a TV or a laptop screen for 8, 32 and 120 tiles, in real Chromium.

Nothing scrolls or overflows, every tile is as tall as its neighbours, the name and the
battery are the largest things on a tile, and no request leaves the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.remote.webdriver import WebDriver

from micboard.composition import location_service
from micboard.devtools.sample_wall import sample_venue
from micboard.services.kiosk import kiosk_link_create
from tests.waiting import wait_for
from tests.web.browser import measure_wall, screenshot, viewport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = [(1920, 1080), (1280, 720)]
COUNTS = [8, 32, 120]
SLACK = 1  # px of rounding between layout and the box a tile gets


@pytest.fixture
def sized(browser: WebDriver) -> Iterator[Callable[[int, int], None]]:
    def size(width: int, height: int) -> None:
        viewport(browser, width, height)

    yield size
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_sample(browser: WebDriver, live_server: LiveServer, tiles: int) -> dict[str, Any]:
    venue = sample_venue(name=f"Hall {tiles}", slug=f"hall-{tiles}", tiles=tiles)
    token = kiosk_link_create(venue=venue, label="TV", created_by="test").token
    browser.get(f"{live_server.url}/kiosk/{token}/")
    # The wall lays its tiles out again when its header settles (a resize observer): measure
    # only a layout that two readings in a row agree on, not one caught between two fits.
    readings: list[dict[str, Any]] = []

    def settled() -> dict[str, Any] | None:
        found = measure_wall(browser)
        readings.append(found)
        if len(found["tiles"]) == tiles and len(readings) > 1 and readings[-2] == found:
            return found
        return None

    return wait_for(settled, timeout=10, interval=0.2, what=f"{tiles} tiles laid out on the wall")


def no_flash(browser: WebDriver) -> None:
    wait_for(
        lambda: not browser.execute_script("return document.querySelector('.tile.flash')"),
        timeout=3,
        what="the audio peak's flash to end",
    )


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["left"] >= outer["left"] - SLACK
        and inner["top"] >= outer["top"] - SLACK
        and inner["right"] <= outer["right"] + SLACK
        and inner["bottom"] <= outer["bottom"] + SLACK
    )


@pytest.mark.parametrize("tiles", COUNTS)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
def test_the_tiles_fill_the_screen_without_overflow(
    browser: WebDriver,
    live_server: LiveServer,
    sized: Callable[[int, int], None],
    size: tuple[int, int],
    tiles: int,
) -> None:
    width, height = size
    sized(width, height)
    wall = open_sample(browser, live_server, tiles)
    assert (wall["width"], wall["height"]) == (width, height)
    assert wall["scroll_width"] <= width  # nothing scrolls
    assert wall["scroll_height"] <= height
    screen = {"left": 0, "top": 0, "right": width, "bottom": height}
    heights = {round(t["rect"]["height"]) for t in wall["tiles"]}
    assert max(heights) - min(heights) <= SLACK, heights  # one height for every tile
    for tile in wall["tiles"]:
        assert inside(tile["rect"], screen), tile
        assert tile["scroll_height"] <= tile["client_height"] + SLACK, tile
        assert tile["scroll_width"] <= tile["client_width"] + SLACK, tile
        for part in tile["parts"]:  # every line of the tile, drawn whole inside it
            assert inside(part["rect"], tile["rect"]), (tile["key"], part)
            assert part["scroll_height"] <= part["client_height"] + SLACK, (tile["key"], part)
        others = [p["font"] for p in tile["parts"] if p["name"] in ("head", "sub", "details")]
        assert tile["name_font"] > max(others), tile  # the name is the largest text
        assert tile["runtime_font"] > max(others), tile  # then the battery's runtime
        assert tile["battery_height"] > max(others), tile
        assert tile["name_font"] >= 16, tile
    # The bigger the screen and the fewer the tiles, the more of the tile the name gets.
    used = sum(t["rect"]["width"] * t["rect"]["height"] for t in wall["tiles"])
    assert used >= 0.5 * width * height, used
    # Every asset and every poll came from this server.
    assert wall["requests"]
    assert all(url.startswith(live_server.url) for url in wall["requests"])
    no_flash(browser)
    screenshot(browser, f"wall-{width}x{height}-{tiles}")


def test_at_1920_by_1080_a_name_of_32_tiles_is_40_px_high(
    browser: WebDriver, live_server: LiveServer, sized: Callable[[int, int], None]
) -> None:
    sized(1920, 1080)
    wall = open_sample(browser, live_server, 32)
    assert min(t["name_font"] for t in wall["tiles"]) >= 40
    assert min(t["name_height"] for t in wall["tiles"]) >= 40


def test_rf_and_audio_show_with_room_as_values_of_the_last_poll(
    browser: WebDriver, live_server: LiveServer, sized: Callable[[int, int], None]
) -> None:
    sized(1920, 1080)
    roomy = open_sample(browser, live_server, 8)
    assert roomy["density"] == "full"
    tile = next(t for t in roomy["tiles"] if t["state"] == "GOOD")
    assert tile["polled"].startswith("LAST POLL")  # not to be read as a live meter
    assert "dBm" in tile["polled"]
    assert "dBFS" in tile["polled"]
    details = next(p for p in tile["parts"] if p["name"] == "details")
    assert details["font"] >= 16  # readable where it is shown
    crowded = open_sample(browser, live_server, 120)
    assert crowded["density"] != "full"
    assert all(not t["polled"] for t in crowded["tiles"])  # hidden, not squeezed


def test_a_long_state_label_keeps_its_tile_as_tall_as_the_others(
    browser: WebDriver, live_server: LiveServer, sized: Callable[[int, int], None]
) -> None:
    sized(1280, 720)
    wall = open_sample(browser, live_server, 32)
    unreachable = [t for t in wall["tiles"] if t["state"] == "RX_COM_ERROR"]
    assert unreachable
    assert all(t["label"].startswith("Receiver unreachable") for t in unreachable)
    others = [t for t in wall["tiles"] if t["state"] != "RX_COM_ERROR"]
    assert {round(t["rect"]["height"]) for t in unreachable} <= {
        round(t["rect"]["height"]) + d for t in others for d in (-SLACK, 0, SLACK)
    }


def test_audio_peak_has_its_own_colour(
    browser: WebDriver, live_server: LiveServer, sized: Callable[[int, int], None]
) -> None:
    sized(1920, 1080)
    wall = open_sample(browser, live_server, 32)
    no_flash(browser)
    colours = browser.execute_script(
        "const c = (s) => getComputedStyle(document.querySelector(`.tile[data-state='${s}']`));"
        "return {peak: c('AUDIO_PEAK').backgroundColor, peakBorder: c('AUDIO_PEAK').borderColor,"
        " critical: c('CRITICAL').backgroundColor};"
    )
    assert {t["state"] for t in wall["tiles"]} >= {"AUDIO_PEAK", "CRITICAL"}
    assert colours["critical"] == "rgb(209, 36, 47)"
    assert colours["peak"] != colours["critical"]
    assert colours["peakBorder"] == "rgb(0, 194, 255)"  # cyan, never CRITICAL's red


def test_a_wall_with_no_channels_says_so_on_screen(
    browser: WebDriver, live_server: LiveServer, sized: Callable[[int, int], None]
) -> None:
    sized(1280, 720)
    venue = location_service().venue_create(name="Empty hall")
    token = kiosk_link_create(venue=venue, label="TV", created_by="test").token
    browser.get(f"{live_server.url}/kiosk/{token}/")
    empty = wait_for(
        lambda: browser.execute_script(
            "const e = document.getElementById('empty'); if (e.hidden) return null;"
            "const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom,"
            " text: e.textContent};"
        ),
        timeout=10,
        what="the empty wall's message",
    )
    assert empty["text"] == "No channels to show."
    assert 0 <= empty["top"] < empty["bottom"] <= 720  # on the screen, not under it
