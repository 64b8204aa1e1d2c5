"""Headless Chromium through selenium, with Debian's browser and driver, never a download."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"
CHROME_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--window-size=1600,1000",
)

# Every tile as the page shows it, read in one round trip.
TILES_SCRIPT = """
return Array.from(document.querySelectorAll('#tiles .tile')).map((tile) => ({
  key: tile.dataset.key,
  state: tile.dataset.state,
  id: tile.querySelector('.chan-id').textContent,
  name: tile.querySelector('.chan-name').textContent,
  label: tile.querySelector('.state-label').textContent,
  runtime: tile.querySelector('.runtime').textContent,
  frequency: tile.querySelector('.frequency').textContent,
  tx: tile.querySelector('.tx').textContent,
  bars: tile.querySelectorAll('.battery i.on').length,
  aria: tile.getAttribute('aria-label'),
  alert: tile.dataset.alert || null,
  badge: ((b) => (b.hidden ? '' : b.textContent))(tile.querySelector('.alert-badge')),
}));
"""


def start_chrome() -> WebDriver:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = f"no browser: {', '.join(missing)} missing (Debian: chromium chromium-driver)"
        # CI installs the browser (`make browser`): there a missing one is a failure.
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in CHROME_ARGUMENTS:
        options.add_argument(argument)
    # Explicit paths: selenium-manager has nothing to look up or download.
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def tiles(driver: WebDriver) -> list[dict[str, Any]]:
    return list(driver.execute_script(TILES_SCRIPT))


def visible(driver: WebDriver, element_id: str) -> bool:
    return bool(driver.execute_script(f"return !document.getElementById('{element_id}').hidden"))


def screenshot(driver: WebDriver, name: str, *, element_id: str = "") -> Path:
    """The window, or one element of the page, as ``var/artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if element_id:
        driver.find_element("id", element_id).screenshot(str(path))
    else:
        driver.save_screenshot(str(path))
    return path
