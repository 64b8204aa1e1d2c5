"""Every page carries a strict Content-Security-Policy; production settings turn HSTS on."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from micboard.project.security_headers import DEFAULT_POLICY
from tests.factories import make_venue
from tests.project.test_settings import run_python

pytestmark = pytest.mark.django_db


def _script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)


@pytest.mark.parametrize(
    "path", ["/wall/", "/wall/{slug}/", "/admin/", "/admin/micboard/receiver/", "/api/docs/"]
)
def test_pages_carry_the_policy_and_run_no_inline_script(path: str) -> None:
    venue = make_venue()
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    response = client.get(path.format(slug=venue.slug))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == DEFAULT_POLICY
    tags = _script_tags(response.content.decode())
    assert tags, "each of these pages runs a script"
    assert all(" src=" in tag for tag in tags), tags  # none inline


def test_the_swagger_ui_script_is_served_apart_from_its_page() -> None:
    page = Client().get("/api/docs/").content.decode()
    own = [tag for tag in _script_tags(page) if "/api/docs/?" in tag]
    assert own, "the page loads its start-up script from /api/docs/?script"
    url = re.search(r'src="([^"]+)"', own[0]).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    script = Client().get(url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_policy_covers_api_answers_and_errors() -> None:
    for path in ("/api/v1/venues/", "/api/nowhere", "/no/such/page/"):
        assert Client().get(path)["Content-Security-Policy"] == DEFAULT_POLICY
    assert "script-src 'self'" in DEFAULT_POLICY
    assert "unsafe-inline" not in DEFAULT_POLICY.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.parametrize(
    ("env", "seconds"),
    [({}, "31536000"), ({"DJANGO_DEBUG": "true"}, "0"), ({"SECURE_HSTS_SECONDS": "0"}, "0")],
)
def test_production_settings_send_hsts_for_a_year(env: dict[str, str], seconds: str) -> None:
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    result = run_python(
        "-c",
        f"import django; django.setup(); {code}",
        SECRET_KEY="hsts-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == seconds


@override_settings(SECURE_HSTS_SECONDS=31_536_000)
def test_an_https_response_carries_the_hsts_header() -> None:
    response = Client().get("/api/nowhere", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/api/nowhere")  # plain HTTP
