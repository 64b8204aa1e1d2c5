"""The wall in headless Chromium against a live server: tiles, live updates, keys, banner."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from micboard.composition import alert_service, device_service, sync_service
from micboard.formatting import format_frequency, format_runtime, split_channel_name
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.integrations.shure.fleet import Fleet
from micboard.models import (
    Alert,
    AlertState,
    Channel,
    ChannelState,
    Receiver,
    ReceiverStatus,
    Venue,
)
from micboard.services.dto import UnreachablePoll
from micboard.services.groups import GroupInput, group_create
from micboard.services.kiosk import kiosk_link_create
from tests.factories import make_receiver, make_venue
from tests.roles import user_with_role
from tests.system.conftest import StartWorker, register_fleet
from tests.tcp_proxy import TcpProxy
from tests.waiting import wait_for
from tests.web.browser import screenshot, tiles, visible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LIVE_BUDGET = 2.0  # seconds from a database write to every open wall


def channel(number: int, name: str, bars: int | None, **values: Any) -> ChannelSnapshot:
    defaults: dict[str, Any] = {
        "frequency_khz": 470_000 + 1_125 * number,
        "runtime_minutes": None if bars is None else bars * 55,
        "tx_type": "ULXD2" if number % 2 else "ULXD1",
        "rf_level": 70 + 5 * number,
        "audio_level": 20 + 3 * number,
        "antenna": "AX" if number % 2 else "XB",
    }
    return ChannelSnapshot(number=number, name=name, battery_bars=bars, **(defaults | values))


def theatre() -> Venue:
    """A venue showing every channel state."""
    venue = make_venue("Grand Theatre")
    devices = device_service()
    rack = make_receiver(venue, model="ULXD4Q")
    devices.snapshot_apply(
        receiver=rack,
        snapshot=ReceiverSnapshot(
            model="ULXD4Q",
            channels=(
                channel(1, "HH01 Lead Vox", 5),
                channel(2, "BP02 Guitar", 3),
                channel(3, "BP03 Keys", 1),
                channel(4, "HH04 Spare", None),
            ),
        ),
    )
    pair = make_receiver(venue, model="ULXD4D")
    devices.snapshot_apply(
        receiver=pair, snapshot=ReceiverSnapshot(channels=(channel(1, "BP05 Host", 4),))
    )
    devices.snapshot_apply(
        receiver=pair,
        snapshot=ReceiverSnapshot(
            channels=(
                channel(1, "BP05 Host", None),
                channel(2, "HH06 Choir", 4, audio_level=48, audio_peak=True),
            )
        ),
    )
    band = make_receiver(venue, model="ULXD4Q")
    devices.snapshot_apply(
        receiver=band,
        snapshot=ReceiverSnapshot(
            channels=tuple(
                channel(n, name, 4 + n % 2)
                for n, name in enumerate(("BP08 Bass", "BP09 Drums", "HH10 Sax", "BP11 Trumpet"), 1)
            )
        ),
    )
    unreachable = make_receiver(venue, model="QLXD4")
    devices.snapshot_apply(
        receiver=unreachable, snapshot=ReceiverSnapshot(channels=(channel(1, "HH07 Pastor", 5),))
    )
    devices.polls_apply(
        answered=[], unreachable=[UnreachablePoll(unreachable, "connection refused")]
    )
    return venue


@pytest.fixture
def open_wall(browser: WebDriver, live_server: LiveServer) -> Callable[..., list[dict[str, Any]]]:
    """Open a wall page and wait until its first state is on screen."""

    def open_(path: str, *, base: str = "") -> list[dict[str, Any]]:
        browser.get((base or live_server.url) + path)
        return wait_for(lambda: tiles(browser), timeout=10, what="the first tiles")

    return open_


def kiosk_path(venue: Venue | None) -> str:
    return f"/kiosk/{kiosk_link_create(venue=venue, label='TV', created_by='test').token}/"


def log_in(browser: WebDriver, live_server: LiveServer, venue: Venue) -> None:
    """A viewer of ``venue`` logs in on the wall's own login page and lands on its wall."""
    user = user_with_role(venue, "viewer")
    browser.get(live_server.url + "/login/")
    browser.find_element(By.ID, "id_username").send_keys(user.get_username())
    browser.find_element(By.ID, "id_password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(
        lambda: urlsplit(browser.current_url).path == f"/wall/{venue.slug}/",
        timeout=10,
        what="the viewer's wall after logging in",
    )


def tile_of(shown: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(tile for tile in shown if tile["key"] == key)


def test_tiles_match_the_database(
    browser: WebDriver, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = theatre()
    shown = open_wall(kiosk_path(venue))
    channels = Channel.objects.filter(receiver__venue=venue).select_related("receiver")
    assert len(shown) == channels.count() == 11
    for row in channels:
        tile = tile_of(shown, f"{row.receiver_id}:{row.number}")
        chan_id, name = split_channel_name(row.name)
        assert (tile["id"], tile["name"], tile["state"]) == (chan_id, name, row.state)
        assert tile["runtime"] == format_runtime(row.runtime_minutes)
        assert tile["frequency"] == format_frequency(row.frequency_khz)
        assert (tile["tx"], tile["bars"]) == (row.tx_type, row.battery_bars or 0)
        assert row.get_state_display() in tile["label"]  # colour is never the only signal
        assert tile["label"] in tile["aria"]
    assert {t["state"] for t in shown} == {
        "GOOD",
        "REPLACE",
        "CRITICAL",
        "TX_COM_ERROR",
        "PREV_GOOD",
        "AUDIO_PEAK",
        "RX_COM_ERROR",
    }
    unreachable = next(t for t in shown if t["state"] == "RX_COM_ERROR")
    receiver = Receiver.objects.get(pk=int(unreachable["key"].split(":")[0]))
    assert unreachable["label"].endswith(receiver.name)  # its name, never its address
    wait_for(
        lambda: not browser.execute_script("return document.querySelector('.tile.flash')"),
        timeout=3,
        what="the audio peak's flash to end",
    )
    screenshot(browser, "wall", element_id="wall")


def test_a_database_write_shows_within_two_seconds(
    browser: WebDriver, live_server: LiveServer, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    devices = device_service()
    devices.snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(channels=(channel(1, "HH01 Lead", 5), channel(2, "HH02 Alt", 5))),
    )
    log_in(browser, live_server, venue)
    open_wall(f"/wall/{venue.slug}/")
    devices.snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            channels=(channel(1, "HH01 Understudy", 1), channel(2, "HH02 Alt", 5))
        ),
    )
    written = time.monotonic()
    key = f"{receiver.pk}:1"
    wait_for(
        lambda: tile_of(tiles(browser), key)["name"] == "Understudy",
        timeout=LIVE_BUDGET,
        interval=0.05,
        what="the new name on the wall",
    )
    elapsed = time.monotonic() - written
    assert tile_of(tiles(browser), key)["state"] == "CRITICAL"
    assert elapsed < LIVE_BUDGET


@pytest.mark.system
def test_a_value_changed_on_a_receiver_reaches_the_wall(
    browser: WebDriver,
    open_wall: Callable[..., list[dict[str, Any]]],
    start_fleet: Callable[..., Fleet],
    venue_worker: StartWorker,
) -> None:
    fleet = start_fleet("ULXD4D")
    venue, (receiver,) = register_fleet(fleet, poll_interval=1)
    with venue_worker(venue):
        sync_service().receivers_resync(receiver_ids=[receiver.pk], requested_by="test")
        wait_for(
            lambda: Receiver.objects.get(pk=receiver.pk).status == ReceiverStatus.ONLINE,
            timeout=15,
            what="the receiver online",
        )
        open_wall(kiosk_path(venue))
        fleet.receiver(0).set_channel_name(2, "BP99 Kim")
        fleet.receiver(0).set_battery(2, 1, 42)

        def synced() -> Channel | None:
            sync_service().receivers_resync(receiver_ids=[receiver.pk], requested_by="test")
            row = Channel.objects.get(receiver=receiver, number=2)
            return row if row.state == ChannelState.CRITICAL else None

        wait_for(synced, timeout=15, interval=0.2, what="the change in the database")
        written = time.monotonic()
        wait_for(
            lambda: tile_of(tiles(browser), f"{receiver.pk}:2")["name"] == "Kim",
            timeout=LIVE_BUDGET,
            interval=0.05,
            what="the receiver's change on the wall",
        )
        assert time.monotonic() - written < LIVE_BUDGET
        assert tile_of(tiles(browser), f"{receiver.pk}:2")["runtime"] == "0:42"


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[TcpProxy]:
    address = urlsplit(live_server.url)
    proxy = TcpProxy((address.hostname or "localhost", address.port or 80))
    proxy.restore()
    yield proxy
    proxy.cut()


def test_the_disconnected_banner_comes_and_goes_with_the_server(
    browser: WebDriver, proxy: TcpProxy, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = theatre()
    open_wall(kiosk_path(venue), base=f"http://127.0.0.1:{proxy.port}")
    assert not visible(browser, "banner")
    proxy.cut()
    wait_for(lambda: visible(browser, "banner"), timeout=8, what="the disconnected banner")
    assert "Disconnected" in browser.find_element(By.ID, "banner").text
    assert "stale" in (browser.find_element(By.ID, "wall").get_attribute("class") or "")
    screenshot(browser, "wall-disconnected")
    proxy.restore()
    wait_for(lambda: not visible(browser, "banner"), timeout=8, what="the banner to clear")
    assert browser.find_element(By.ID, "status").text.startswith("Live")


def press(browser: WebDriver, key: str) -> None:
    browser.find_element(By.TAG_NAME, "body").send_keys(key)


def shown_keys(browser: WebDriver) -> list[str]:
    return [tile["key"] for tile in tiles(browser)]


def test_number_keys_switch_groups_and_question_mark_shows_the_legend(
    browser: WebDriver, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = theatre()
    rows = {
        row.name: (row.pk, f"{row.receiver_id}:{row.number}")
        for row in Channel.objects.filter(receiver__venue=venue)
    }
    vocals = [rows["HH06 Choir"], rows["HH01 Lead Vox"]]
    group_create(venue=venue, data=GroupInput(1, "Vocals", tuple(pk for pk, _ in vocals)))
    group_create(venue=venue, data=GroupInput(2, "Band", (rows["BP02 Guitar"][0],)))
    everything = [key for key in (t["key"] for t in open_wall(kiosk_path(venue)))]

    press(browser, "1")
    assert shown_keys(browser) == [key for _, key in vocals]
    assert browser.find_element(By.ID, "view-title").text == "Group 1 · Vocals"
    assert "group=1" in browser.current_url
    press(browser, "2")
    assert shown_keys(browser) == [rows["BP02 Guitar"][1]]
    press(browser, "7")  # no group 7: every channel
    assert shown_keys(browser) == everything

    press(browser, "?")
    assert visible(browser, "legend")
    legend = browser.find_element(By.ID, "legend").text
    assert "CRITICAL" in legend
    assert "Vocals" in legend
    screenshot(browser, "wall-legend")
    press(browser, "?")
    assert not visible(browser, "legend")

    press(browser, "f")
    wait_for(
        lambda: browser.execute_script("return document.fullscreenElement !== null"),
        timeout=3,
        what="full screen",
    )
    press(browser, "f")


def test_the_all_venues_wall_shows_each_venue(
    browser: WebDriver, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    first, second = theatre(), make_venue("Chapel")
    make_receiver(second, model="ULXD4")
    shown = open_wall(kiosk_path(None))
    assert len(shown) == 12
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".venue-section h2")]
    assert headings == sorted([first.name, second.name])


def alerts_banner(browser: WebDriver) -> str:
    text: str = browser.execute_script(
        "const b = document.getElementById('alerts-banner'); return b.hidden ? '' : b.textContent;"
    )
    return text


def test_an_alert_shows_in_the_banner_and_rings_its_tile_without_hiding_its_state(
    browser: WebDriver, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = theatre()
    shown = open_wall(kiosk_path(venue))
    critical = next(t for t in shown if t["state"] == "CRITICAL")
    assert (critical["alert"], critical["badge"]) == ("open", "ALERT")
    assert all(t["alert"] is None for t in shown if t["key"] != critical["key"])
    banner = wait_for(lambda: alerts_banner(browser), timeout=LIVE_BUDGET, what="the banner")
    assert banner.startswith("⚠ 1 ALERT · ")
    assert "BP03 Keys: battery critical (1 bar)" in banner
    screenshot(browser, "wall-alert", element_id="wall")
    alert = Alert.objects.get(venue=venue, state=AlertState.OPEN)
    alert_service().alert_acknowledge(alert_id=alert.pk, by="sam")
    wait_for(
        lambda: alerts_banner(browser).startswith("⚠ 1 ACKNOWLEDGED"),
        timeout=LIVE_BUDGET,
        what="the acknowledgement on the wall",
    )
    assert tile_of(tiles(browser), critical["key"])["badge"] == "ACK"
    alert_service().alert_resolve(alert_id=alert.pk, by="sam")
    wait_for(lambda: not alerts_banner(browser), timeout=LIVE_BUDGET, what="the banner gone")
    after = tile_of(tiles(browser), critical["key"])
    assert (after["state"], after["alert"], after["badge"]) == ("CRITICAL", None, "")


def test_data_turning_stale_shows_on_an_open_wall_with_nothing_written(
    browser: WebDriver, open_wall: Callable[..., list[dict[str, Any]]]
) -> None:
    venue = make_venue("North Hall")
    receiver = make_receiver(venue, model="ULXD4D", poll_interval=1)
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(channels=(channel(1, "HH01 Lead", 5), channel(2, "HH02 Alt", 3))),
    )
    shown = open_wall(kiosk_path(venue))
    assert {t["state"] for t in shown} == {"GOOD", "REPLACE"}
    assert not visible(browser, "worker-status")
    # No worker and no edit: the wall turns stale from the data's age alone.
    stale = wait_for(
        lambda: (
            [t for t in tiles(browser) if t["state"] == "STALE"] == tiles(browser)
            and tiles(browser)
        ),
        timeout=10,
        interval=0.1,
        what="every tile stale",
    )
    assert all(re.fullmatch(r"Data stale · \d+ s old", t["label"]) for t in stale)
    wait_for(lambda: visible(browser, "worker-status"), timeout=3, what="the worker banner")
    banner = browser.find_element(By.ID, "worker-status").text
    assert banner.startswith("venue worker not reporting since ")
    screenshot(browser, "wall-stale", element_id="wall")
