"""DeviceService: registering receivers, and writing what polls learned through one batch path."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.db import DatabaseError, IntegrityError, transaction

from micboard.exceptions import (
    ConflictError,
    DeviceError,
    NotFoundError,
    UnknownProtocolError,
    ValidationError,
)
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.infrastructure.secret_box import SecretBox
from micboard.integrations.base import DriverRegistry, ReceiverSnapshot
from micboard.models import Assignment, AuditAction, Channel, Receiver, Venue
from micboard.services.audit import (
    SYSTEM,
    Actor,
    audit_record,
    audit_record_many,
    changed_values,
)
from micboard.services.contracts import AlertEvaluation
from micboard.services.dto import PolledSnapshot, ReceiverInput, UnreachablePoll
from micboard.services.poll_results import PollResultWriter
from micboard.services.validation import normalize_host, validate_address, validate_text

log = structlog.get_logger(__name__)

DEFAULT_PROTOCOL = "shure-tcp"


_AUDITED_FIELDS = ("name", "model", "protocol", "host", "port", "poll_interval", "enabled")
STORED_MARK = "(stored)"
"""What the audit trail shows for a stored device password, never the password."""


def _audited(receiver: Receiver) -> dict[str, object]:
    """The audited fields; the device password only as whether one is stored."""
    values: dict[str, object] = {name: getattr(receiver, name) for name in _AUDITED_FIELDS}
    values["device_password"] = STORED_MARK if receiver.device_password else None
    return values


def _target(receiver: Receiver) -> str:
    return f"receiver {receiver.pk} {receiver.name}"


class DjangoDeviceService:
    """Writes through the Django ORM with a fixed number of queries per batch of receivers."""

    def __init__(
        self,
        *,
        registry: DriverRegistry,
        clock: Clock,
        events: EventPublisher,
        telemetry_interval: timedelta = timedelta(seconds=60),
        alerts: AlertEvaluation | None = None,
        secrets: SecretBox | None = None,
    ) -> None:
        self._registry = registry
        self._secrets = secrets
        self._alerts = alerts
        self._clock = clock
        self._writer = PollResultWriter(
            clock=clock, events=events, telemetry_interval=telemetry_interval
        )

    # --- registration -----------------------------------------------------------------

    def receiver_validate(self, *, data: ReceiverInput) -> dict[str, object]:
        """The model fields for ``data``; raises ``ValidationError`` with per-field details."""
        validate_address(host=data.host, port=data.port, poll_interval=data.poll_interval)
        validate_text(name=data.name, model=data.model)
        protocol = self._protocol_for(data)
        try:
            model = self._registry.get(protocol).describe(data.model)
        except UnknownProtocolError as error:
            raise ValidationError("unknown protocol", details={"protocol": error.message}) from None
        except DeviceError as error:
            raise ValidationError(
                "unknown receiver model", details={"model": error.message}
            ) from None
        return {
            "name": data.name.strip() or f"{data.model} {data.host}",
            "model": data.model.upper(),
            "family": data.family or model.family,
            "protocol": protocol,
            "host": normalize_host(data.host),
            "port": data.port,
            "channel_count": model.channels,
            "poll_interval": data.poll_interval,
            "enabled": data.enabled,
        }

    def _set_password(self, receiver: Receiver, password: str | None) -> None:
        """Encrypted like contacts' secrets (ADR 0029); ``None`` keeps the stored one."""
        if password is None:
            return
        if not password:
            receiver.device_password = ""
        elif self._secrets is None:
            raise ValidationError("no encryption keys", details={"device_password": "not stored"})
        else:
            receiver.device_password = self._secrets.encrypt(password)

    def _protocol_for(self, data: ReceiverInput) -> str:
        """The operator's protocol, unless it is empty or the default that does not speak
        the model: then the registry's protocol for the model (e.g. UDP for a UR4D)."""
        if data.protocol and data.protocol != DEFAULT_PROTOCOL:
            return data.protocol
        model = self._registry.describe(data.model)
        return model.protocol if model else data.protocol or DEFAULT_PROTOCOL

    def receiver_register(
        self, *, venue: Venue, data: ReceiverInput, actor: Actor = SYSTEM
    ) -> Receiver:
        fields = self.receiver_validate(data=data)
        try:
            with transaction.atomic():
                receiver = Receiver(venue=venue, next_sync_at=self._clock.now(), **fields)
                self._set_password(receiver, data.device_password)
                receiver.save(force_insert=True)
                audit_record(
                    actor=actor,
                    action=AuditAction.RECEIVER_CREATED,
                    venue=venue,
                    target=_target(receiver),
                    changes=changed_values({}, _audited(receiver)),
                )
        except IntegrityError:
            raise ConflictError(
                "a receiver with this address already exists in the venue",
                details={"host": fields["host"], "port": data.port},
            ) from None
        log.info("receiver_registered", receiver_id=receiver.pk, venue=venue.slug)
        return receiver

    def receiver_update(
        self, *, receiver: Receiver, data: ReceiverInput, actor: Actor = SYSTEM
    ) -> Receiver:
        fields = self.receiver_validate(data=data)
        before = _audited(receiver)
        for name, value in fields.items():
            setattr(receiver, name, value)
        receiver.next_sync_at = self._clock.now()
        receiver.request_form = ""  # perhaps another device now: find out how it answers
        self._set_password(receiver, data.device_password)
        try:
            with transaction.atomic():
                receiver.save()
                Channel.objects.filter(
                    receiver=receiver, number__gt=receiver.channel_count
                ).delete()
                # Performers on channels the new model lacks are no longer on any channel.
                Assignment.objects.filter(
                    receiver=receiver, channel_number__gt=receiver.channel_count
                ).delete()
                changes = changed_values(before, _audited(receiver))
                if data.device_password and before["device_password"]:
                    changes["device_password"] = {"old": STORED_MARK, "new": "(replaced)"}
                if changes:
                    audit_record(
                        actor=actor,
                        action=AuditAction.RECEIVER_CHANGED,
                        venue=receiver.venue,
                        target=_target(receiver),
                        changes=changes,
                    )
        except IntegrityError:
            raise ConflictError(
                "a receiver with this address already exists in the venue",
                details={"host": fields["host"], "port": data.port},
            ) from None
        return receiver

    def receiver_remove(self, *, receiver: Receiver, actor: Actor = SYSTEM) -> None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.RECEIVER_REMOVED,
                venue=receiver.venue,
                target=_target(receiver),
                changes=changed_values(_audited(receiver), {}),
            )
            receiver.delete()

    def receiver_set_enabled(
        self, *, receiver_ids: list[int], enabled: bool, actor: Actor = SYSTEM
    ) -> int:
        now = self._clock.now()
        with transaction.atomic():
            receivers = list(
                Receiver.objects.filter(pk__in=receiver_ids)
                .exclude(enabled=enabled)
                .select_related("venue")
            )
            audit_record_many(
                actor=actor,
                action=AuditAction.RECEIVER_POLLING,
                entries=[
                    (r.venue, _target(r), {"enabled": {"old": r.enabled, "new": enabled}})
                    for r in receivers
                ],
            )
            return Receiver.objects.filter(pk__in=receiver_ids).update(
                enabled=enabled, next_sync_at=now, consecutive_failures=0
            )

    # --- results of polls --------------------------------------------------------------

    def polls_apply(
        self, *, answered: list[PolledSnapshot], unreachable: list[UnreachablePoll]
    ) -> list[int]:
        """Write a batch of polls, both outcomes: receivers that answered get their
        snapshot (1 read and 2 to 4 writes), those that did not are marked offline (3
        writes), whatever the receivers and channels. Returns the ids of answered receivers
        deleted while they were polled; the others are written all the same. The venue's
        alert rules are then evaluated on the rows just written, in a fixed number of
        queries too (none of them reads those rows again)."""
        batch = self._writer.apply(answered=answered, unreachable=unreachable)
        if self._alerts is not None and batch.receivers:
            try:
                if batch.exact:
                    self._alerts.batch_evaluate(batch=batch)
                else:  # a receiver is gone: what the database holds decides
                    ids = [r.pk for r in batch.receivers]
                    self._alerts.receivers_evaluate(receiver_ids=ids)
            except DatabaseError as error:  # the batch is written; the periodic check retries
                log.error("alert_evaluation_failed", batch=len(batch.receivers), error=repr(error))
        return batch.vanished

    def snapshot_apply(
        self,
        *,
        receiver: Receiver,
        snapshot: ReceiverSnapshot,
        next_sync_at: datetime | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """Write one receiver's snapshot (``polls_apply`` for one); raises ``NotFoundError``
        when the receiver is gone."""
        poll = PolledSnapshot(receiver, snapshot, next_sync_at, duration_ms)
        if self.polls_apply(answered=[poll], unreachable=[]):
            raise NotFoundError(f"receiver {receiver.pk} no longer exists")
