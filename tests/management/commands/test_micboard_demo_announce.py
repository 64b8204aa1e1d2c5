"""The demo's announcement names the display wall's address."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from micboard.devtools.demo import Credentials, DemoOptions
from micboard.management.commands.micboard_demo import Command


def test_the_announcement_gives_the_walls_address() -> None:
    out = StringIO()
    command = Command(stdout=out)
    command._announce(
        DemoOptions(web_port=8123, log_dir=Path("var/log")),
        Credentials("admin", "secret"),
        Credentials("flower", "pw"),
        "0123456789abcdef0123456789abcdef01234567",
    )
    assert "http://127.0.0.1:8123/wall/demo/" in out.getvalue()
    assert "token 0123456789abcdef0123456789abcdef01234567" in out.getvalue()
