"""``micboard_notify_test``: a test through every channel of a venue, against real servers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from micboard.models import ContactChannel, Notification
from tests.factories import make_venue
from tests.mail_server import MailServer
from tests.ports import free_port
from tests.services.alerts.conftest import add_contact
from tests.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


def test_every_channel_gets_a_test_and_the_command_says_so(
    mail_server: MailServer, webhook_server: WebhookServer
) -> None:
    venue = make_venue("Chapel")
    add_contact(venue)
    add_contact(venue, channel=ContactChannel.WEBHOOK, target=webhook_server.url)
    out = StringIO()
    call_command("micboard_notify_test", "--venue", venue.slug, stdout=out)
    assert out.getvalue().count(": sent") == 2
    (message,) = mail_server.messages
    assert message["Subject"] == "[micboard] Test notification from Chapel: this channel works."
    (delivery,) = webhook_server.received
    assert (delivery.signature_ok, delivery.body["event"], delivery.body["alert"]) == (
        True,
        "test",
        None,
    )


def test_a_dead_webhook_is_reported_and_fails_the_command(mail_server: MailServer) -> None:
    venue = make_venue()
    add_contact(venue)
    add_contact(
        venue, channel=ContactChannel.WEBHOOK, target=f"http://127.0.0.1:{free_port()}/hook"
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 test notification"):
        call_command("micboard_notify_test", "--venue", venue.slug, stdout=out)
    assert "webhook http://127.0.0.1" in out.getvalue()
    assert "FAILED: webhook" in out.getvalue()
    assert Notification.objects.filter(state="failed").count() == 1  # a test is not retried


def test_an_unknown_venue_or_one_without_contacts_is_an_error() -> None:
    with pytest.raises(CommandError, match="no venue"):
        call_command("micboard_notify_test", "--venue", "nowhere")
    with pytest.raises(CommandError, match="no enabled contacts"):
        call_command("micboard_notify_test", "--venue", make_venue().slug)
