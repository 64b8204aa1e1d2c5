"""Screenshots of the display wall at TV and laptop sizes, for the README.

    .venv/bin/python bench/wall_screenshots.py [--out docs/images]

Seeds a throwaway SQLite database with venues of 8, 32 and 120 channels in every state
(``micboard.devtools.sample_wall``), with the demo's cast of performers and their portraits
on the first 16 channels of each (``micboard.devtools.demo_performers``). Serves them with
the demo's runserver (debug on, so it serves the static files) and opens each venue's kiosk
link in headless Chromium at 1920 x 1080 and 1280 x 720, writing
``wall-<width>x<height>-<tiles>.png`` into ``--out``. Needs Redis at REDIS_URL (default
database 5; keys get their own prefix) and Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.wall import configure, start_server  # noqa: E402

SIZES = ((1920, 1080), (1280, 720))
COUNTS = (8, 32, 120)
READY_SCRIPT = (
    "return document.querySelectorAll('#tiles .tile').length === arguments[0]"
    " && !document.querySelector('.tile.flash')"
    " && Array.from(document.querySelectorAll('#tiles .photo:not([hidden])'))"
    ".every((img) => img.complete && img.naturalWidth > 0)"
)


def seed() -> dict[int, str]:
    """Kiosk paths of one sample venue per tile count."""
    from django.core.management import call_command  # noqa: PLC0415 - after django.setup

    from micboard.devtools.demo_performers import demo_performers  # noqa: PLC0415
    from micboard.devtools.sample_wall import sample_venue  # noqa: PLC0415
    from micboard.services.kiosk import kiosk_link_create  # noqa: PLC0415

    call_command("migrate", interactive=False, verbosity=0)
    paths = {}
    for tiles in COUNTS:
        venue = sample_venue(
            name=f"Main Hall · {tiles} channels", slug=f"hall-{tiles}", tiles=tiles
        )
        demo_performers(venue)
        link = kiosk_link_create(venue=venue, label="screenshots", created_by="bench")
        paths[tiles] = f"/kiosk/{link.token}/"
    return paths


def shoot(port: int, paths: dict[int, str], out: Path) -> list[Path]:
    from tests.web.browser import start_chrome, viewport  # noqa: PLC0415 - Chromium helpers

    browser = start_chrome()
    written = []
    try:
        for width, height in SIZES:
            viewport(browser, width, height)
            for tiles, path in paths.items():
                browser.get(f"http://127.0.0.1:{port}{path}")
                deadline = time.monotonic() + 15
                while not browser.execute_script(READY_SCRIPT, tiles):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"the {tiles}-tile wall did not show within 15 s")
                    time.sleep(0.2)
                time.sleep(0.5)  # the layout settles after the banner
                target = out / f"wall-{width}x{height}-{tiles}.png"
                browser.save_screenshot(str(target))
                written.append(target)
    finally:
        browser.quit()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    # Sample venues go into a throwaway SQLite database, never into a configured one.
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="micboard-screens-") as workdir:
        media = str(Path(workdir) / "media")
        env = configure(Path(workdir)) | {"DJANGO_DEBUG": "true", "MEDIA_ROOT": media}
        os.environ.update(DJANGO_DEBUG="true", MEDIA_ROOT=media)
        import django  # noqa: PLC0415

        django.setup()
        paths = seed()
        server = start_server(env, "runserver", args.port)
        try:
            written = shoot(args.port, paths, args.out)
        finally:
            server.terminate()
            server.wait(10)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
