"""Under the Content-Security-Policy, Chromium still runs the Swagger UI and the admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.waiting import wait_for
from tests.web.browser import start_chrome

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def chrome() -> Iterator[WebDriver]:
    driver = start_chrome()
    driver.set_page_load_timeout(15)
    yield driver
    driver.quit()


def _text(driver: WebDriver, selector: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def test_the_swagger_ui_renders_the_schema(chrome: WebDriver, live_server: LiveServer) -> None:
    chrome.get(live_server.url + "/api/docs/")
    title = wait_for(lambda: _text(chrome, ".swagger-ui .info .title"), timeout=15,
                     what="the Swagger UI to render")  # fmt: skip
    assert "micboard API" in title
    assert chrome.find_elements(By.CSS_SELECTOR, ".opblock-tag")  # the operations, by tag


def test_the_admin_logs_in_and_runs_its_scripts(chrome: WebDriver, live_server: LiveServer) -> None:
    User.objects.create_superuser("root", "root@example.org", "a-long-pass-phrase")
    chrome.get(live_server.url + "/admin/login/")
    chrome.find_element(By.ID, "id_username").send_keys("root")
    chrome.find_element(By.ID, "id_password").send_keys("a-long-pass-phrase")
    chrome.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(lambda: "Site administration" in chrome.page_source, timeout=15, what="the index")
    chrome.get(live_server.url + "/admin/micboard/receiver/add/")
    # The add-another links next to a foreign key are wired by the admin's own scripts.
    wait_for(
        lambda: chrome.execute_script("return typeof django !== 'undefined' && !!django.jQuery"),
        timeout=10,
        what="the admin's scripts to run",
    )
