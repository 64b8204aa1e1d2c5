"""A real gunicorn, with the deployment's logger class, writes no kiosk token to its access log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from micboard.project.logging import redact_kiosk_tokens
from tests.ports import free_port
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "k1osk-T0ken_abcdefghijklmnop"


def test_tokens_in_paths_and_queries_are_masked() -> None:
    assert redact_kiosk_tokens(f"GET /kiosk/{TOKEN}/ HTTP/1.1") == "GET /kiosk/***/ HTTP/1.1"
    assert redact_kiosk_tokens(f"/wall/a/?x=1&kiosk={TOKEN}") == "/wall/a/?x=1&kiosk=***"
    assert redact_kiosk_tokens(f"kiosk={TOKEN}") == "kiosk=***"
    assert redact_kiosk_tokens("/wall/kiosks/") == "/wall/kiosks/"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def test_gunicorn_access_log_masks_kiosk_tokens(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings",
        "SECRET_KEY": "gunicorn-logging-test-key-0123456789abcdef",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_FORMAT": "json",
    }
    log = tmp_path / "access.log"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "micboard.project.wsgi:application",
         f"--bind=127.0.0.1:{port}", "--workers=1", f"--access-logfile={log}",
         "--logger-class=micboard.project.gunicorn_logging.RedactingLogger"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(f"{base}/api/nothing"), timeout=30, what="gunicorn to answer")
        _get(f"{base}/kiosk/{TOKEN}/")
        _get(f"{base}/wall/?kiosk={TOKEN}")
        # The wall's line, whether or not the client waited long enough for its answer.
        written = wait_for(
            lambda: log.read_text() if "GET /wall/" in log.read_text() else "",
            timeout=30,
            what="the access-log line of the wall's request",
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert "/kiosk/***/" in written
    assert "kiosk=***" in written
    assert TOKEN not in written
