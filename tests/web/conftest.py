"""Browser fixtures; the simulator and worker fixtures of the system tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.system.conftest import _close_worker_connections, venue_worker
from tests.web.browser import start_chrome

# The worker threads' PostgreSQL sessions end with the run, so the test database drops.
__all__ = ["_close_worker_connections", "venue_worker"]


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chrome()
    driver.set_page_load_timeout(15)
    driver.set_script_timeout(5)
    yield driver
    driver.quit()
