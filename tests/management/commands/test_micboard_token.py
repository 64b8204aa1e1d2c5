"""``micboard_token``: a key printed once, listed by prefix, revoked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from micboard.models import ApiToken

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("micboard_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_list_use_and_revoke() -> None:
    User.objects.create_superuser("ops", "ops@example.org", "pw")
    key = run("create", "ops", "--label", "FOH script", "--read-only").strip()
    token = ApiToken.objects.get()
    assert key.startswith(token.key_prefix)
    assert key not in run("list")
    assert run("list", "ops") == (
        f"{token.pk}\tops\t{token.key_prefix}…\tread-only\tactive\tFOH script\n"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/venues/").status_code == 200
    assert client.post("/api/v1/venues/", {"name": "New"}).status_code == 403
    assert run("revoke", str(token.pk)) == "revoked 1 token(s)\n"
    assert client.get("/api/v1/venues/").status_code == 401
    with pytest.raises(CommandError, match="unknown or were revoked already"):
        run("revoke", str(token.pk))


def test_an_unknown_user_or_an_empty_label_is_refused() -> None:
    User.objects.create_user("ops")
    with pytest.raises(CommandError, match="no user 'ghost'"):
        run("create", "ghost", "--label", "x")
    with pytest.raises(CommandError, match="needs a label"):
        run("create", "ops", "--label", "  ")
    assert not ApiToken.objects.exists()
