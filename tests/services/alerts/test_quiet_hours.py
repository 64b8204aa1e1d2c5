"""Quiet hours hold a contact's notifications; one summary goes out when they end."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from micboard.models import (
    Alert,
    AlertRule,
    ContactChannel,
    Notification,
    NotificationEvent,
    NotificationState,
    RuleKind,
    Venue,
)
from tests.factories import make_receiver, make_venue
from tests.mail_server import MailServer
from tests.services.alerts.conftest import AlertBench, add_contact
from tests.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db

# The bench's clock starts at 19:00 UTC; the venue is in UTC.
QUIET = {"quiet_from": time(18, 0), "quiet_until": time(20, 0)}
QUIET_END = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)


def quiet_venue(name: str = "Chapel") -> Venue:
    """A venue whose receivers may go unpolled while the test moves its clock by hours."""
    venue = make_venue(name)
    AlertRule.objects.filter(venue=venue, kind=RuleKind.RECEIVER_OFFLINE).update(enabled=False)
    return venue


def release(bench: AlertBench) -> int:
    return bench.alerts.alerts_check().summaries


def send_all(bench: AlertBench) -> list[str]:
    pending = Notification.objects.filter(state=NotificationState.PENDING).order_by("pk")
    return [
        str(bench.alerts.notification_deliver(notification_id=pk).state)
        for pk in pending.values_list("pk", flat=True)
    ]


def test_held_events_go_out_as_one_summary_when_quiet_hours_end(
    bench: AlertBench, mail_server: MailServer
) -> None:
    venue = quiet_venue()
    AlertRule.objects.filter(venue=venue, kind=RuleKind.BATTERY).update(hold_seconds=60)
    add_contact(venue, **QUIET)
    add_contact(venue, target="awake@example.test")
    receiver = make_receiver(venue, model="ULXD4D")
    bench.answer(receiver, 1, 4)  # opens at 19:00
    held = Notification.objects.get(contact__target="lead0@example.test")
    assert (held.state, held.next_attempt_at) == (NotificationState.HELD, QUIET_END)
    assert send_all(bench) == [NotificationState.SENT]  # only the contact who is awake
    assert [m["To"] for m in mail_server.messages] == ["awake@example.test"]
    bench.clock.advance(600)
    bench.answer(receiver, 4, 4)
    bench.clock.advance(61)
    bench.answer(receiver, 4, 4)  # resolves at 19:11, still in quiet hours
    assert Notification.objects.filter(state=NotificationState.HELD).count() == 2
    assert release(bench) == 0
    bench.clock.at = QUIET_END
    assert release(bench) == 1
    assert release(bench) == 0  # released once
    assert send_all(bench) == [NotificationState.SENT, NotificationState.SENT]
    summary = mail_server.messages[-1]
    assert summary["To"] == "lead0@example.test"
    assert summary["Subject"] == (
        "[micboard] SUMMARY Chapel: 1 alert during quiet hours, 0 still raised"
    )
    body = summary.get_content()
    alert = Alert.objects.get()
    assert f"- {alert.summary}: opened 19:00, resolved 19:11; now resolved" in body
    summary_row = Notification.objects.get(event=NotificationEvent.SUMMARY)
    assert set(
        Notification.objects.filter(contact__target="lead0@example.test")
        .exclude(pk=summary_row.pk)
        .values_list("state", "summary")
    ) == {(NotificationState.SUMMARISED, summary_row.pk)}


def test_a_webhook_summary_carries_every_held_event_signed(
    bench: AlertBench, webhook_server: WebhookServer
) -> None:
    venue = quiet_venue()
    add_contact(venue, channel=ContactChannel.WEBHOOK, target=webhook_server.url, **QUIET)
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 1)  # two channels critical
    assert Notification.objects.filter(state=NotificationState.HELD).count() == 2
    bench.clock.at = QUIET_END
    assert release(bench) == 1
    assert send_all(bench) == [NotificationState.SENT]
    (delivery,) = webhook_server.received
    assert delivery.signature_ok
    body = delivery.body
    assert (body["event"], body["alert"]) == ("summary", None)
    assert [held["event"] for held in body["held"]] == ["opened", "opened"]
    assert {held["alert"]["state"] for held in body["held"]} == {"open"}
    lines = body["text"].splitlines()
    assert lines[0] == "[micboard] SUMMARY Chapel: 2 alerts during quiet hours, 2 still raised"
    assert len(lines) == 3


def test_quiet_hours_changed_meanwhile_hold_until_their_new_end(bench: AlertBench) -> None:
    venue = quiet_venue()
    contact = add_contact(venue, **QUIET)
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 4)
    contact.quiet_until = time(22, 0)
    contact.save()
    bench.clock.at = QUIET_END
    assert release(bench) == 0
    held = Notification.objects.get()
    assert (held.state, held.next_attempt_at) == (
        NotificationState.HELD,
        datetime(2026, 11, 26, 22, 0, tzinfo=UTC),
    )


def test_a_contact_disabled_in_its_quiet_hours_gets_nothing(bench: AlertBench) -> None:
    venue = quiet_venue()
    contact = add_contact(venue, **QUIET)
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 4)
    contact.enabled = False
    contact.save()
    bench.clock.at = QUIET_END
    assert release(bench) == 0
    held = Notification.objects.get()
    assert (held.state, held.last_error) == (NotificationState.FAILED, "contact disabled")


def test_a_test_notification_ignores_quiet_hours(
    bench: AlertBench, mail_server: MailServer
) -> None:
    venue = quiet_venue()
    add_contact(venue, **QUIET)
    (result,) = bench.alerts.venue_notify_test(venue=venue)
    assert result.outcome.state == NotificationState.SENT
    assert len(mail_server.messages) == 1
