"""``micboard_api_token`` in a real process, as the README's ``make -s token`` runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from micboard.selectors.access import api_token_for_key

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def test_prints_the_token_and_nothing_else(capsys: pytest.CaptureFixture[str]) -> None:
    user = User.objects.create_user("admin")
    call_command("micboard_api_token")
    printed = capsys.readouterr().out
    assert printed.endswith("\n")
    token = api_token_for_key(key=printed.removesuffix("\n"))
    assert token is not None
    assert token.user == user


def test_a_missing_user_is_an_error_not_an_empty_token() -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("micboard_api_token", "--user", "nobody")


def test_the_make_target_without_debug_set_fails_loudly_for_a_missing_user(
    tmp_path: Path,
) -> None:
    """``make token`` runs the command in debug mode (no SECRET_KEY needed, as for the demo):
    with no such user it exits non-zero with the reason on stderr and prints no token."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'token.sqlite3'}",
        "PYTHON": sys.executable,
        "MICBOARD_DEMO_USER": "nobody",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT, env=env | {"DJANGO_DEBUG": "true"}, check=True, timeout=120,
    )  # fmt: skip
    venv = Path(sys.executable).parents[1]
    make = shutil.which("make") or "make"
    done = subprocess.run(  # noqa: S603 - -o: never reinstall the environment from here
        [make, "-s", "-o", f"{venv}/.installed-stamp", "token", f"VENV={venv}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert done.stdout == ""
    assert "no user 'nobody'" in done.stderr
