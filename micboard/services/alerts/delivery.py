"""Sending outbox rows: claim one, send it once with a bounded wait, record the attempt.

A row is claimed with a lease; a worker killed mid-send leaves it leased, and once the
lease ends the sweep hands it out again with the same idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.db.models import F, Q

from micboard.exceptions import ConfigurationError, NotificationError
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.notifiers import EmailSender, WebhookPoster
from micboard.infrastructure.secret_box import SecretBox
from micboard.models import ContactChannel, DeliveryAttempt, Notification, NotificationState
from micboard.services.alerts.messages import email_message, webhook_body

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    max_attempts: int = 8
    first_retry_seconds: float = 5.0
    max_retry_seconds: float = 900.0
    lease_seconds: float = 60.0
    """Longer than one send can take (the senders' timeout), so no two sends overlap."""

    def retry_after(self, attempts: int) -> float:
        return float(min(self.max_retry_seconds, self.first_retry_seconds * 2 ** (attempts - 1)))


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    notification_id: int
    state: str
    retry_in: float | None = None


class NotificationDelivery:
    def __init__(
        self,
        *,
        clock: Clock,
        email: EmailSender,
        webhook: WebhookPoster,
        policy: DeliveryPolicy,
        secrets: SecretBox,
    ) -> None:
        self._clock = clock
        self._email = email
        self._webhook = webhook
        self._policy = policy
        self._secrets = secrets

    def _claim(self, notification_id: int) -> Notification | None:
        now = self._clock.now()
        due = Q(state=NotificationState.PENDING, next_attempt_at__lte=now) | Q(
            state=NotificationState.SENDING, lease_until__lt=now
        )
        claimed = Notification.objects.filter(due, pk=notification_id).update(
            state=NotificationState.SENDING,
            lease_until=now + timedelta(seconds=self._policy.lease_seconds),
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return None
        return Notification.objects.select_related("venue", "contact", "alert__rule").get(
            pk=notification_id
        )

    def notification_deliver(self, *, notification_id: int) -> DeliveryOutcome:
        """Send the row if it is due and nobody else holds it; otherwise do nothing."""
        notification = self._claim(notification_id)
        if notification is None:
            return DeliveryOutcome(notification_id, "not_due")
        started, began = self._clock.now(), self._clock.monotonic()
        error = ""
        try:
            self._send(notification)
        except (NotificationError, ConfigurationError) as failure:
            error = failure.message  # a secret no key decrypts is the operator's to fix
        duration_ms = int((self._clock.monotonic() - began) * 1000)
        DeliveryAttempt.objects.create(
            notification=notification,
            started_at=started,
            duration_ms=duration_ms,
            ok=not error,
            error=error[:2000],
        )
        return self._record(notification, error)

    def _record(self, notification: Notification, error: str) -> DeliveryOutcome:
        now = self._clock.now()
        row = Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING)
        if not error:
            row.update(state=NotificationState.SENT, sent_at=now, lease_until=None, last_error="")
            log.info("notification_sent", notification_id=notification.pk)
            return DeliveryOutcome(notification.pk, NotificationState.SENT)
        if notification.attempts >= self._policy.max_attempts:
            row.update(state=NotificationState.FAILED, lease_until=None, last_error=error)
            log.error("notification_failed", notification_id=notification.pk, error=error)
            return DeliveryOutcome(notification.pk, NotificationState.FAILED)
        wait = self._policy.retry_after(notification.attempts)
        row.update(
            state=NotificationState.PENDING,
            next_attempt_at=now + timedelta(seconds=wait),
            lease_until=None,
            last_error=error,
        )
        log.warning("notification_retry", notification_id=notification.pk, error=error, wait=wait)
        return DeliveryOutcome(notification.pk, NotificationState.PENDING, retry_in=wait)

    def _send(self, notification: Notification) -> None:
        contact, key = notification.contact, str(notification.idempotency_key)
        if contact.channel == ContactChannel.EMAIL:
            subject, text = email_message(notification)
            self._email.send(to=contact.target, subject=subject, text=text, idempotency_key=key)
        else:
            self._webhook.post(
                url=contact.target,
                secret=self._secrets.decrypt(contact.secret_encrypted),
                body=webhook_body(notification),
                idempotency_key=key,
            )

    def notifications_due(self, *, limit: int = 500) -> list[int]:
        """Rows waiting past their time: a lost message, a killed worker, a retry due."""
        now = self._clock.now()
        due = Q(state=NotificationState.PENDING, next_attempt_at__lte=now) | Q(
            state=NotificationState.SENDING, lease_until__lt=now
        )
        return list(
            Notification.objects.filter(due)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
