"""Delivery through the outbox to a real SMTP server and a real webhook receiver."""

from __future__ import annotations

import logging

import pytest

from micboard.exceptions import ConflictError, NotFoundError
from micboard.models import (
    Alert,
    AlertState,
    ContactChannel,
    DeliveryAttempt,
    Notification,
    NotificationState,
    RuleKind,
)
from tests.conftest import WEBHOOK_SECRET
from tests.factories import make_receiver, make_venue
from tests.mail_server import MailServer
from tests.services.alerts.conftest import AlertBench, add_contact
from tests.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


def open_battery_alert(bench: AlertBench, **contact: object) -> Notification:
    venue = make_venue("Chapel")
    add_contact(venue, **contact)  # type: ignore[arg-type]
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 4)
    return Notification.objects.get()


def deliver(bench: AlertBench, notification: Notification) -> str:
    outcome = bench.alerts.notification_deliver(notification_id=notification.pk)
    return str(outcome.state)


def test_an_email_reaches_the_smtp_server_once(bench: AlertBench, mail_server: MailServer) -> None:
    notification = open_battery_alert(bench)
    assert deliver(bench, notification) == NotificationState.SENT
    assert deliver(bench, notification) == "not_due"  # sent rows are never sent again
    (message,) = mail_server.messages
    assert message["To"] == "lead0@example.test"
    assert message["Subject"].startswith("[micboard] ALERT Chapel: ")
    assert "battery critical (1 bar)" in message["Subject"]
    assert message["Message-ID"] == f"<{notification.idempotency_key}@micboard>"
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.ok, attempt.error) == (True, "")


def test_a_webhook_is_signed_and_carries_text_and_structure(
    bench: AlertBench, webhook_server: WebhookServer
) -> None:
    notification = open_battery_alert(
        bench, channel=ContactChannel.WEBHOOK, target=webhook_server.url
    )
    assert deliver(bench, notification) == NotificationState.SENT
    (delivery,) = webhook_server.received
    assert delivery.signature_ok
    assert delivery.headers["Idempotency-Key"] == str(notification.idempotency_key)
    body = delivery.body
    assert body["text"].startswith("[micboard] ALERT Chapel: ")
    assert (body["event"], body["venue"]["name"]) == ("opened", "Chapel")
    assert (body["alert"]["rule"], body["alert"]["state"]) == ("battery", "open")


def test_a_webhook_answering_500_is_retried_after_its_backoff(
    bench: AlertBench, webhook_server: WebhookServer
) -> None:
    webhook_server.statuses = [500]
    notification = open_battery_alert(
        bench, channel=ContactChannel.WEBHOOK, target=webhook_server.url
    )
    assert deliver(bench, notification) == NotificationState.PENDING
    notification.refresh_from_db()
    assert "answered 500" in notification.last_error
    assert deliver(bench, notification) == "not_due"  # its backoff has not passed
    bench.clock.advance(1)
    assert deliver(bench, notification) == NotificationState.SENT
    assert (webhook_server.refused, len(webhook_server.received)) == (1, 1)
    assert list(DeliveryAttempt.objects.order_by("pk").values_list("ok", flat=True)) == [
        False,
        True,
    ]


def test_smtp_down_then_back(bench: AlertBench, mail_server: MailServer) -> None:
    mail_server.stop()
    notification = open_battery_alert(bench)
    assert deliver(bench, notification) == NotificationState.PENDING
    mail_server.start()
    bench.clock.advance(1)
    assert deliver(bench, notification) == NotificationState.SENT
    assert len(mail_server.messages) == 1


def test_a_notification_fails_for_good_after_its_last_attempt(
    bench: AlertBench, webhook_server: WebhookServer
) -> None:
    webhook_server.statuses = [503, 503, 503]
    notification = open_battery_alert(
        bench, channel=ContactChannel.WEBHOOK, target=webhook_server.url
    )
    states = []
    for _ in range(3):
        states.append(deliver(bench, notification))
        bench.clock.advance(10)
    assert states == ["pending", "pending", "failed"]
    assert bench.alerts.alerts_check().redelivered == 0


def test_a_send_cut_short_is_handed_out_again_once_its_lease_ends(
    bench: AlertBench, mail_server: MailServer
) -> None:
    notification = open_battery_alert(bench)
    # A worker claimed the row and was killed before it sent anything.
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENDING, lease_until=bench.clock.at, attempts=1
    )
    assert deliver(bench, notification) == "not_due"
    bench.clock.advance(1)
    assert bench.alerts.alerts_check().redelivered == 1
    assert deliver(bench, notification) == NotificationState.SENT
    (message,) = mail_server.messages
    assert message["Message-ID"] == f"<{notification.idempotency_key}@micboard>"


def test_unacknowledged_alerts_escalate_to_the_next_list(
    bench: AlertBench, mail_server: MailServer
) -> None:
    venue = make_venue()
    add_contact(venue, step=0)
    add_contact(venue, step=1, target="manager@example.test")
    receiver = make_receiver(venue, model="ULXD4D")
    bench.answer(receiver, 1, 4)
    bench.clock.advance(9 * 60)
    bench.answer(receiver, 1, 4)
    assert bench.alerts.alerts_check().escalated == 0
    bench.clock.advance(60)
    bench.answer(receiver, 1, 4)
    assert bench.alerts.alerts_check().escalated == 1
    assert bench.alerts.alerts_check().escalated == 0  # no third list
    escalated = Notification.objects.get(event="escalated")
    assert escalated.contact.target == "manager@example.test"
    bench.answer(receiver, 4, 4)
    bench.clock.advance(61)
    bench.answer(receiver, 4, 4)
    resolved = Notification.objects.filter(event="resolved")
    assert sorted(n.contact.target for n in resolved) == [
        "lead0@example.test",
        "manager@example.test",
    ]


def test_an_acknowledged_alert_does_not_escalate(bench: AlertBench) -> None:
    venue = make_venue()
    add_contact(venue, step=0)
    add_contact(venue, step=1)
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 4)
    alert = Alert.objects.get()
    acked = bench.alerts.alert_acknowledge(alert_id=alert.pk, by="sam", note="swapping it")
    assert (acked.state, acked.acknowledged_by, acked.acknowledgement_note) == (
        AlertState.ACKNOWLEDGED,
        "sam",
        "swapping it",
    )
    bench.clock.advance(3600)
    assert bench.alerts.alerts_check().escalated == 0


def test_resolving_by_hand_notifies_and_a_held_condition_opens_anew(bench: AlertBench) -> None:
    venue = make_venue()
    add_contact(venue)
    receiver = make_receiver(venue, model="ULXD4D")
    bench.answer(receiver, 1, 4)
    alert = Alert.objects.get()
    resolved = bench.alerts.alert_resolve(alert_id=alert.pk, by="sam")
    assert (resolved.state, resolved.resolved_by) == (AlertState.RESOLVED, "sam")
    assert Notification.objects.filter(event="resolved").count() == 1
    bench.answer(receiver, 1, 4)
    assert Alert.objects.filter(rule__kind=RuleKind.BATTERY).count() == 2


def test_acknowledging_a_resolved_alert_is_a_conflict(bench: AlertBench) -> None:
    venue = make_venue()
    bench.answer(make_receiver(venue, model="ULXD4D"), 1, 4)
    alert = Alert.objects.get()
    bench.alerts.alert_resolve(alert_id=alert.pk, by="sam")
    with pytest.raises(ConflictError):
        bench.alerts.alert_acknowledge(alert_id=alert.pk, by="kim")
    with pytest.raises(NotFoundError):
        bench.alerts.alert_resolve(alert_id=alert.pk + 1000, by="kim")


def test_the_webhook_secret_reaches_no_log_and_no_error(
    bench: AlertBench, webhook_server: WebhookServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook_server.statuses = [500]
    notification = open_battery_alert(
        bench, channel=ContactChannel.WEBHOOK, target=webhook_server.url
    )
    assert deliver(bench, notification) == NotificationState.PENDING
    bench.clock.advance(1)
    assert deliver(bench, notification) == NotificationState.SENT
    assert webhook_server.received[0].signature_ok  # it was used, to sign
    logged = caplog.text + "".join(str(record.msg) for record in caplog.records)
    assert "notification_retry" in logged
    assert WEBHOOK_SECRET not in logged
    stored = Notification.objects.get()
    assert WEBHOOK_SECRET not in stored.last_error + stored.contact.secret_encrypted
    assert WEBHOOK_SECRET not in "".join(DeliveryAttempt.objects.values_list("error", flat=True))
