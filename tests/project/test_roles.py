"""A venue worker's settings: no SECRET_KEY of its own to keep, and no web app or beat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from micboard.exceptions import ConfigurationError
from micboard.project.roles import process_role

ROOT = Path(__file__).resolve().parents[2]


def _run(code: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    return subprocess.run(  # noqa: S603
        [sys.executable, *code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "micboard.project.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_roles_are_named_or_refused() -> None:
    assert process_role(" Venue-Worker ") == "venue-worker"
    assert process_role("central") == "central"
    with pytest.raises(ConfigurationError, match="MICBOARD_PROCESS_ROLE='web'"):
        process_role("web")


def test_a_venue_worker_starts_without_a_secret_key_and_uses_none_it_was_given() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)"
    )
    alone = _run(["-c", code], MICBOARD_PROCESS_ROLE="venue-worker")
    assert alone.returncode == 0, alone.stderr
    given = _run(["-c", code], MICBOARD_PROCESS_ROLE="venue-worker", SECRET_KEY="the-central-key")
    assert given.returncode == 0, given.stderr
    assert "the-central-key" not in given.stdout
    assert alone.stdout.strip() != given.stdout.strip()


@pytest.mark.parametrize("module", ["micboard.project.wsgi", "micboard.project.asgi"])
def test_a_venue_worker_refuses_to_serve_the_web_app(module: str) -> None:
    result = _run(["-c", f"import {module}"], MICBOARD_PROCESS_ROLE="venue-worker")
    assert result.returncode != 0
    assert "a venue worker's settings cannot run the web app" in result.stderr


def test_a_venue_worker_refuses_to_run_beat(tmp_path: Path) -> None:
    result = _run(
        ["-m", "celery", "-A", "micboard.workers", "beat", "-s", str(tmp_path / "schedule")],
        MICBOARD_PROCESS_ROLE="venue-worker",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode != 0
    assert "a venue worker's settings cannot run beat" in result.stdout + result.stderr


def test_the_central_site_still_serves() -> None:
    result = _run(["-c", "import micboard.project.wsgi"], SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
