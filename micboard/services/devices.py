"""DeviceService: receivers' registration and the atomic write of what a poll learned."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F

from micboard.exceptions import (
    ConflictError,
    DeviceError,
    NotFoundError,
    UnknownProtocolError,
    ValidationError,
)
from micboard.infrastructure.bulk import update_rows
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.integrations.base import ChannelSnapshot, DriverRegistry, ReceiverSnapshot
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus, TelemetrySample, Venue
from micboard.services.channel_state import StateInputs, derive_state
from micboard.services.dto import PolledSnapshot, ReceiverInput
from micboard.services.validation import validate_address

log = structlog.get_logger(__name__)

DEFAULT_PROTOCOL = "shure-tcp"

_MODEL_PREFIX_FAMILY = (
    ("ULXD", "ULXD"),
    ("QLXD", "QLXD"),
    ("SLXD", "SLXD"),
    ("AD4", "AD"),
    ("UR4", "UHFR"),
    ("P10T", "PSM1000"),
)

# Columns of a channel the display wall and other live views show.
_SHOWN_FIELDS = [
    "name",
    "frequency_khz",
    "battery_bars",
    "runtime_minutes",
    "tx_type",
    "tx_offset_db",
    "rf_level",
    "audio_level",
    "antenna",
    "state",
]

# Columns an upsert of a channel rewrites on every successful poll.
_CHANNEL_FIELDS = [
    *_SHOWN_FIELDS,
    "last_battery_bars",
    "battery_seen_at",
    "audio_peak_at",
    "last_sample_at",
    "updated_at",
]

# Columns of a receiver a successful poll rewrites.
_SYNCED_FIELDS = [
    "status",
    "last_seen_at",
    "last_sync_at",
    "last_sync_duration_ms",
    "next_sync_at",
    "last_sync_result",
    "last_error",
    "consecutive_failures",
    "model",
    "firmware",
    "device_id",
]


def family_for_model(model: str) -> str:
    upper = model.upper()
    for prefix, family in _MODEL_PREFIX_FAMILY:
        if upper.startswith(prefix):
            return family
    raise ValidationError(
        "unknown receiver model", details={"model": f"{model!r} is not supported"}
    )


def _shown(channel: Channel) -> tuple[object, ...]:
    """What live views show of a channel: a change here is worth an event."""
    return tuple(getattr(channel, name) for name in _SHOWN_FIELDS)


def _sample_key(channel: Channel) -> tuple[object, ...]:
    return (channel.battery_bars, channel.runtime_minutes, channel.frequency_khz, channel.state)


class DjangoDeviceService:
    """Writes through the Django ORM with a fixed number of queries per receiver."""

    def __init__(
        self,
        *,
        registry: DriverRegistry,
        clock: Clock,
        events: EventPublisher,
        telemetry_interval: timedelta = timedelta(seconds=60),
    ) -> None:
        self._registry = registry
        self._clock = clock
        self._events = events
        self._telemetry_interval = telemetry_interval

    # --- registration -----------------------------------------------------------------

    def receiver_validate(self, data: ReceiverInput) -> dict[str, object]:
        """The model fields for ``data``; raises ``ValidationError`` with per-field details."""
        validate_address(host=data.host, port=data.port, poll_interval=data.poll_interval)
        protocol = self._protocol_for(data)
        try:
            driver = self._registry.get(protocol)
            channels = driver.channel_count(data.model)
        except UnknownProtocolError as error:
            raise ValidationError("unknown protocol", details={"protocol": error.message}) from None
        except DeviceError as error:
            raise ValidationError(
                "unknown receiver model", details={"model": error.message}
            ) from None
        return {
            "name": data.name.strip() or f"{data.model} {data.host}",
            "model": data.model.upper(),
            "family": data.family or family_for_model(data.model),
            "protocol": protocol,
            "host": data.host,
            "port": data.port,
            "channel_count": channels,
            "poll_interval": data.poll_interval,
            "enabled": data.enabled,
        }

    def _protocol_for(self, data: ReceiverInput) -> str:
        """The operator's protocol, unless it is empty or the default that does not speak
        the model: then the registry's protocol for the model (e.g. UDP for a UR4D)."""
        if data.protocol and data.protocol != DEFAULT_PROTOCOL:
            return data.protocol
        return self._registry.protocol_for_model(data.model) or data.protocol or DEFAULT_PROTOCOL

    def receiver_register(self, *, venue: Venue, data: ReceiverInput) -> Receiver:
        fields = self.receiver_validate(data)
        try:
            with transaction.atomic():
                receiver = Receiver.objects.create(
                    venue=venue, next_sync_at=self._clock.now(), **fields
                )
        except IntegrityError:
            raise ConflictError(
                "a receiver with this address already exists in the venue",
                details={"host": data.host, "port": data.port},
            ) from None
        log.info("receiver_registered", receiver_id=receiver.pk, venue=venue.slug)
        return receiver

    def receiver_update(self, *, receiver: Receiver, data: ReceiverInput) -> Receiver:
        fields = self.receiver_validate(data)
        for name, value in fields.items():
            setattr(receiver, name, value)
        receiver.next_sync_at = self._clock.now()
        try:
            with transaction.atomic():
                receiver.save()
                Channel.objects.filter(
                    receiver=receiver, number__gt=receiver.channel_count
                ).delete()
        except IntegrityError:
            raise ConflictError(
                "a receiver with this address already exists in the venue",
                details={"host": data.host, "port": data.port},
            ) from None
        return receiver

    def receiver_remove(self, *, receiver: Receiver) -> None:
        receiver.delete()

    def receiver_set_enabled(self, *, receiver_ids: list[int], enabled: bool) -> int:
        now = self._clock.now()
        return Receiver.objects.filter(pk__in=receiver_ids).update(
            enabled=enabled, next_sync_at=now, consecutive_failures=0
        )

    # --- results of a poll --------------------------------------------------------------

    def apply_snapshot(
        self,
        *,
        receiver: Receiver,
        snapshot: ReceiverSnapshot,
        next_sync_at: datetime | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """Write one receiver's snapshot atomically (see ``apply_snapshots``)."""
        vanished = self.apply_snapshots(
            [PolledSnapshot(receiver, snapshot, next_sync_at, duration_ms)]
        )
        if vanished:
            raise NotFoundError(f"receiver {receiver.pk} no longer exists")

    def apply_snapshots(self, polls: list[PolledSnapshot]) -> list[int]:
        """Write many receivers' snapshots in one transaction: 1 read and 2 to 4 writes,
        whatever the receivers and channels. Returns the ids of receivers deleted while
        they were polled; the others' snapshots are written all the same."""
        if not polls:
            return []
        changed: list[int] = []
        vanished: list[int] = []
        try:
            changed = self._write_snapshots(polls)
        except IntegrityError:
            if len(polls) == 1:
                vanished = [polls[0].receiver.pk]
            else:
                changed, vanished = self._write_one_by_one(polls)
        for receiver_id in vanished:
            log.warning("receiver_vanished", receiver_id=receiver_id)
        venues = {p.receiver.pk: p.receiver.venue_id for p in polls}
        self._events.receivers_changed([(pk, venues[pk]) for pk in changed])
        return vanished

    def _write_one_by_one(self, polls: list[PolledSnapshot]) -> tuple[list[int], list[int]]:
        """A receiver deleted mid-poll failed the batch: each in its own transaction now.
        Returns the receivers written (all counted as changed) and those that are gone."""
        written: list[int] = []
        vanished: list[int] = []
        for poll in polls:
            try:
                self._write_snapshots([poll])
            except IntegrityError:
                vanished.append(poll.receiver.pk)
            else:
                written.append(poll.receiver.pk)
        return written, vanished

    def _write_snapshots(self, polls: list[PolledSnapshot]) -> list[int]:
        """Write the batch; returns the receivers whose displayed values changed."""
        now = self._clock.now()
        existing = {
            (c.receiver_id, c.number): c
            for c in Channel.objects.filter(receiver_id__in=[p.receiver.pk for p in polls])
        }
        channels: list[Channel] = []
        samples_due: list[Channel] = []
        changed: set[int] = set()
        for poll in polls:
            if poll.receiver.status != ReceiverStatus.ONLINE:
                changed.add(poll.receiver.pk)
            for values in poll.snapshot.channels:
                previous = existing.pop((poll.receiver.pk, values.number), None)
                channel = self._channel_row(poll.receiver, values, previous, now)
                if previous is None or _shown(channel) != _shown(previous):
                    changed.add(poll.receiver.pk)
                if self._sample_due(channel, previous, now):
                    channel.last_sample_at = now
                    samples_due.append(channel)
                channels.append(channel)
            self._mark_synced(poll, now)
        # What is left in ``existing`` are channels the receivers no longer report.
        gone = [c.pk for c in existing.values()]
        changed.update(receiver_id for receiver_id, _ in existing)
        with transaction.atomic():
            update_rows(Receiver, [p.receiver for p in polls], _SYNCED_FIELDS)
            Channel.objects.bulk_create(
                channels,
                update_conflicts=True,
                unique_fields=["receiver", "number"],
                update_fields=_CHANNEL_FIELDS,
            )
            if samples_due:
                TelemetrySample.objects.bulk_create([self._sample_row(c, now) for c in samples_due])
            if gone:
                Channel.objects.filter(pk__in=gone).delete()
        return [p.receiver.pk for p in polls if p.receiver.pk in changed]

    @staticmethod
    def _mark_synced(poll: PolledSnapshot, now: datetime) -> None:
        receiver, snapshot = poll.receiver, poll.snapshot
        receiver.status = ReceiverStatus.ONLINE
        receiver.last_seen_at = receiver.last_sync_at = now
        receiver.last_sync_duration_ms = poll.duration_ms
        receiver.next_sync_at = poll.next_sync_at or receiver.next_sync_at
        receiver.last_sync_result = "synced"
        receiver.last_error = ""
        receiver.consecutive_failures = 0
        receiver.model = snapshot.model or receiver.model
        receiver.firmware = snapshot.firmware
        receiver.device_id = snapshot.device_id

    def mark_unreachable(
        self, *, receiver: Receiver, error: str, next_sync_at: datetime | None = None
    ) -> None:
        """Receiver offline, every channel RX_COM_ERROR, the error kept for the operator."""
        now = self._clock.now()
        with transaction.atomic():
            Receiver.objects.filter(pk=receiver.pk).update(
                status=ReceiverStatus.OFFLINE,
                last_sync_at=now,
                next_sync_at=next_sync_at or receiver.next_sync_at,
                last_sync_result="offline",
                last_error=error[:2000],
                consecutive_failures=F("consecutive_failures") + 1,
            )
            Channel.objects.filter(receiver_id=receiver.pk).update(
                state=ChannelState.RX_COM_ERROR, updated_at=now
            )
        if receiver.status != ReceiverStatus.OFFLINE:  # still offline: nothing new to show
            self._events.receiver_changed(receiver_id=receiver.pk, venue_id=receiver.venue_id)

    # --- helpers ------------------------------------------------------------------------

    @staticmethod
    def _channel_row(
        receiver: Receiver, values: ChannelSnapshot, previous: Channel | None, now: datetime
    ) -> Channel:
        last_bars = previous.last_battery_bars if previous else None
        seen_at = previous.battery_seen_at if previous else None
        if values.battery_bars is not None:
            last_bars, seen_at = values.battery_bars, now
        peak_at = now if values.audio_peak else (previous.audio_peak_at if previous else None)
        state = derive_state(
            StateInputs(
                receiver_reachable=True,
                battery_bars=values.battery_bars,
                last_battery_bars=last_bars,
                battery_seen_at=seen_at,
                audio_peak_at=peak_at,
                has_battery=values.has_battery,
            ),
            now=now,
        )
        return Channel(
            receiver_id=receiver.pk,
            number=values.number,
            name=values.name,
            frequency_khz=values.frequency_khz,
            battery_bars=values.battery_bars,
            runtime_minutes=values.runtime_minutes,
            tx_type=values.tx_type,
            tx_offset_db=values.tx_offset_db,
            rf_level=values.rf_level,
            audio_level=values.audio_level,
            antenna=values.antenna,
            state=state,
            last_battery_bars=last_bars,
            battery_seen_at=seen_at,
            audio_peak_at=peak_at,
            last_sample_at=previous.last_sample_at if previous else None,
            updated_at=now,
        )

    def _sample_due(self, channel: Channel, previous: Channel | None, now: datetime) -> bool:
        if previous is None or previous.last_sample_at is None:
            return True
        if _sample_key(channel) != _sample_key(previous):
            return True
        return now - previous.last_sample_at >= self._telemetry_interval

    @staticmethod
    def _sample_row(channel: Channel, now: datetime) -> TelemetrySample:
        return TelemetrySample(
            channel_id=channel.pk,
            recorded_at=now,
            battery_bars=channel.battery_bars,
            runtime_minutes=channel.runtime_minutes,
            frequency_khz=channel.frequency_khz,
            rf_level=channel.rf_level,
            audio_level=channel.audio_level,
            state=channel.state,
        )
