"""The README's wall screenshots can be made again: every size and tile count is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_port
from tests.web.browser import CHROMEDRIVER, CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_the_screenshot_script_writes_every_size(tmp_path: Path) -> None:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("no Chromium (Debian: chromium chromium-driver)")
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "bench/wall_screenshots.py", "--out", str(tmp_path),
         "--port", str(free_port())],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == sorted(
        f"wall-{w}x{h}-{n}.png" for w, h in ((1920, 1080), (1280, 720)) for n in (8, 32, 120)
    )
    assert all((tmp_path / name).read_bytes().startswith(PNG) for name in names)
