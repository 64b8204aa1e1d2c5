"""Starting the project with bad settings stops it with one line that names the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "micboard.project.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://nope", "SECRET_KEY": "k"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://nope", "SECRET_KEY": "k"}, "REDIS_URL"),
        ({"MICBOARD_DEVICE_TIMEOUT": "slow", "SECRET_KEY": "k"}, "MICBOARD_DEVICE_TIMEOUT"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ],
)
def test_misconfiguration_is_one_line_naming_the_setting(env: dict[str, str], named: str) -> None:
    result = run_check(**{"DATABASE_URL": "sqlite:///var/check.db", **env})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
