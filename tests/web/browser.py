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


def viewport(driver: WebDriver, width: int, height: int) -> None:
    """The page's viewport exactly ``width`` x ``height`` CSS pixels, whatever the window."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


# The wall's geometry: the page, each tile and each line of a tile, in one round trip.
MEASURE_SCRIPT = """
const box = (el) => { const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,
          height: r.height}; };
const font = (el) => parseFloat(getComputedStyle(el).fontSize);
const shown = (el) => el && el.getClientRects().length > 0;
const PARTS = {head: '.tile-head', who: '.who', power: '.power', details: '.details',
               name: '.chan-name', sub: '.sub', battery: '.battery', runtime: '.runtime'};
const tiles = Array.from(document.querySelectorAll('#tiles .tile')).map((tile) => {
  const parts = Object.entries(PARTS).map(([name, sel]) => [name, tile.querySelector(sel)])
    .filter(([, el]) => shown(el))
    .map(([name, el]) => ({name, rect: box(el), font: font(el),
      scroll_height: el.scrollHeight, client_height: el.clientHeight}));
  const polled = tile.querySelector('.polled');
  return {
    key: tile.dataset.key, state: tile.dataset.state, rect: box(tile),
    label: tile.querySelector('.state-label').textContent,
    name: tile.querySelector('.chan-name').textContent,
    sub: tile.querySelector('.sub').textContent,
    performer: tile.dataset.performer || null,
    photo: ((img) => (shown(img) && img.complete && img.naturalWidth > 0
      ? img.getAttribute('src') : ''))(tile.querySelector('.photo')),
    scroll_height: tile.scrollHeight, client_height: tile.clientHeight,
    scroll_width: tile.scrollWidth, client_width: tile.clientWidth,
    name_font: font(tile.querySelector('.chan-name')),
    name_height: tile.querySelector('.chan-name').getBoundingClientRect().height,
    runtime_font: font(tile.querySelector('.runtime')),
    battery_height: tile.querySelector('.battery').getBoundingClientRect().height,
    polled: shown(polled) ? polled.innerText.replace(/\\s+/g, ' ').trim() : '',
    parts,
  };
});
return {
  width: window.innerWidth, height: window.innerHeight,
  scroll_width: document.documentElement.scrollWidth,
  scroll_height: document.documentElement.scrollHeight,
  density: document.getElementById('tiles').dataset.density || '',
  requests: performance.getEntriesByType('resource').map((e) => e.name)
    .concat([location.href]),
  tiles,
};
"""


def measure_wall(driver: WebDriver) -> dict[str, Any]:
    found: dict[str, Any] = driver.execute_script(MEASURE_SCRIPT)
    return found
