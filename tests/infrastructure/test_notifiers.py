"""Webhook URLs in errors and logs: scheme and host only, never the token in the path."""

from __future__ import annotations

import pytest

from micboard.exceptions import NotificationError
from micboard.infrastructure.notifiers import UrllibWebhookPoster, url_shown
from tests.ports import free_port
from tests.webhook_server import WebhookServer

TOKEN = "T000/B000/XXXXtokenXXXX"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"https://hooks.example.org/services/{TOKEN}", "https://hooks.example.org/…"),
        ("https://user:pw@chat.example.org:8443/h?key=abc", "https://chat.example.org:8443/…"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
        ("http://chat.example.org", "http://chat.example.org"),
        ("http://chat.example.org:99999/x", "http://chat.example.org/…"),
        ("not a url", "(a malformed URL)"),
    ],
)
def test_a_webhook_url_is_shown_without_its_path(url: str, shown: str) -> None:
    assert url_shown(url) == shown


def test_errors_of_a_webhook_never_carry_its_token(webhook_server: WebhookServer) -> None:
    poster = UrllibWebhookPoster(timeout=2)
    webhook_server.statuses = [500]
    refused = webhook_server.url.replace("/hook", f"/services/{TOKEN}")
    dead = f"http://127.0.0.1:{free_port()}/services/{TOKEN}"
    spaced = f"http://127.0.0.1:{free_port()}/services/{TOKEN} x"
    for url in (refused, dead, spaced, f"ftp://files.example.org/{TOKEN}"):
        with pytest.raises(NotificationError) as failure:
            poster.post(url=url, secret="s", body=b"{}", idempotency_key="k")
        assert TOKEN not in failure.value.message, url
        assert "webhook" in failure.value.message
