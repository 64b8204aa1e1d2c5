"""The admin in real Chromium at 1600 px: the receivers list fits, a receiver's channels wear
the wall's colours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from micboard.devtools.sample_wall import sample_venue
from micboard.models import Receiver
from tests.web.browser import screenshot, viewport
from tests.web.conftest import browser

__all__ = ["browser"]  # the wall's Chromium fixture, used here too

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG_ERROR = (
    "no complete reply from 127.0.0.1:46003 within 2.0 s (got 1 of 4 channels); the receiver "
    "closed the connection after a partial frame and the retry met the same fate"
)


def logged_in(browser: WebDriver, live_server: LiveServer) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("operator", "op@example.org", "pw"))
    browser.get(live_server.url + "/static/micboard/admin.css")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})


def test_the_receivers_list_fits_1600_px_and_says_how_long_ago(
    browser: WebDriver, live_server: LiveServer
) -> None:
    venue = sample_venue(name="Grand Theatre and Conference Centre", slug="grand", tiles=40)
    offline = Receiver.objects.filter(venue=venue, status="offline").get()
    Receiver.objects.filter(pk=offline.pk).update(last_error=LONG_ERROR, consecutive_failures=7)
    Receiver.objects.exclude(pk=offline.pk).update(
        last_seen_at=timezone.now() - timedelta(seconds=12)
    )
    logged_in(browser, live_server)
    viewport(browser, 1600, 900)
    try:
        browser.get(live_server.url + "/admin/micboard/receiver/")
        widths = browser.execute_script(
            "return {page: document.documentElement.scrollWidth, view: innerWidth,"
            " table: document.getElementById('result_list').getBoundingClientRect().right};"
        )
        screenshot(browser, "admin-receivers")
        assert widths["page"] <= widths["view"] == 1600, widths
        assert widths["table"] <= 1600, widths
        headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#result_list th")]
        for wanted in ("STATUS", "LAST SEEN", "FAILURES", "LAST ERROR"):
            assert wanted in [h.upper() for h in headers], headers
        rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
        assert len(rows) == 10
        ages = [r.find_element(By.CSS_SELECTOR, "td.field-last_seen").text for r in rows]
        assert ages.count("12 s ago") + ages.count("13 s ago") == 9, ages
        assert "7" in [r.find_element(By.CSS_SELECTOR, "td.field-failures").text for r in rows]
        error = browser.find_element(By.CSS_SELECTOR, ".last-error")
        assert error.get_attribute("title") == LONG_ERROR  # all of it on hover
        assert error.text.startswith("no complete reply")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_receivers_page_shows_channel_states_in_wall_colours_and_levels_with_units(
    browser: WebDriver, live_server: LiveServer
) -> None:
    venue = sample_venue(name="Chapel", slug="chapel", tiles=4, unreachable=False)
    receiver = Receiver.objects.get(venue=venue)
    logged_in(browser, live_server)
    browser.get(f"{live_server.url}/admin/micboard/receiver/{receiver.pk}/change/")
    badges = browser.execute_script(
        "return Array.from(document.querySelectorAll('.state-badge')).map((b) =>"
        " [b.dataset.state, getComputedStyle(b).backgroundColor, b.textContent]);"
    )
    colours = {state: colour for state, colour, _ in badges}
    assert colours["GOOD"] == "rgb(31, 136, 61)"  # the wall's green
    assert colours["REPLACE"] == "rgb(227, 181, 5)"  # and its yellow
    assert "Replace battery" in [text for _, _, text in badges]
    rf = browser.find_elements(By.CSS_SELECTOR, "td.field-rf")
    audio = browser.find_elements(By.CSS_SELECTOR, "td.field-audio")
    assert len(rf) == len(audio) == 4
    assert all(cell.text.endswith(" dBm") for cell in rf)
    assert all(cell.text.endswith(" dBFS") for cell in audio)
