"""Writing what a batch of polls learned, both outcomes, in a fixed number of queries.

Receivers that answered get their snapshot; those that did not are marked offline."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F

from micboard.infrastructure.bulk import update_rows
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.events import EventPublisher
from micboard.infrastructure.upsert import upsert_rows
from micboard.integrations.base import ChannelSnapshot
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus, TelemetrySample
from micboard.selectors.freshness import stale_since
from micboard.services.channel_state import StateInputs, derive_state, venue_runtime_levels
from micboard.services.dto import PolledSnapshot, UnreachablePoll, WrittenBatch

log = structlog.get_logger(__name__)

# Columns of a channel the display wall and other live views show.
_SHOWN_FIELDS = [
    "name",
    "frequency_khz",
    "battery_bars",
    "battery_percent",
    "runtime_minutes",
    "tx_type",
    "tx_offset_db",
    "rf_level",
    "rf_levels",
    "rf_quality",
    "audio_level",
    "antenna",
    "muted",
    "warnings",
    "state",
]

# Columns an upsert of a channel rewrites on every successful poll.
_CHANNEL_FIELDS = [
    *_SHOWN_FIELDS,
    "last_battery_bars",
    "last_runtime_minutes",
    "battery_seen_at",
    "audio_peak_at",
    "last_sample_at",
    "audio_gain_db",
    "group_channel",
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
    "request_form",
    "last_skipped_message",
]


def _was_stale(receiver: Receiver, now: datetime) -> bool:
    """Shown stale until this write: the wall changes even if no value did."""
    return now >= stale_since(receiver, polls=receiver.venue.stale_after_polls)


def _shown(channel: Channel) -> tuple[object, ...]:
    """What live views show of a channel: a change here is worth an event."""
    return tuple(getattr(channel, name) for name in _SHOWN_FIELDS)


def _sample_key(channel: Channel) -> tuple[object, ...]:
    return (channel.battery_bars, channel.runtime_minutes, channel.frequency_khz, channel.state)


class PollResultWriter:
    """The batch write behind ``DeviceService.polls_apply``."""

    def __init__(
        self, *, clock: Clock, events: EventPublisher, telemetry_interval: timedelta
    ) -> None:
        self._clock = clock
        self._events = events
        self._telemetry_interval = telemetry_interval

    def apply(
        self, *, answered: list[PolledSnapshot], unreachable: list[UnreachablePoll]
    ) -> WrittenBatch:
        """Write both outcomes; returns the rows written and the answered receivers deleted
        meanwhile."""
        went_offline, all_there = (
            self._write_unreachable(unreachable) if unreachable else ([], True)
        )
        changed: list[int] = []
        vanished: list[int] = []
        channels: dict[int, list[Channel]] = {}
        if answered:
            try:
                changed, channels = self._write_snapshots(answered)
            except IntegrityError:
                if len(answered) == 1:
                    vanished = [answered[0].receiver.pk]
                else:
                    changed, vanished, channels = self._write_one_by_one(answered)
        for receiver_id in vanished:
            log.warning("receiver_vanished", receiver_id=receiver_id)
        venues = {p.receiver.pk: p.receiver.venue_id for p in answered}
        self._events.receivers_changed(
            [(pk, venues[pk]) for pk in changed] + [(r.pk, r.venue_id) for r in went_offline]
        )
        gone = set(vanished)
        return WrittenBatch(
            receivers=[p.receiver for p in answered if p.receiver.pk not in gone]
            + [p.receiver for p in unreachable],
            channels=channels,
            vanished=vanished,
            exact=all_there,
        )

    def _write_unreachable(self, polls: list[UnreachablePoll]) -> tuple[list[Receiver], bool]:
        """Receivers offline, every channel RX_COM_ERROR, each error kept for the operator.
        Returns the receivers that were not offline already (something new to show), and
        whether every one of them still had its row. The receivers in hand then hold what
        their rows do, as an answered one's do after ``_mark_synced``."""
        now = self._clock.now()
        ids = [p.receiver.pk for p in polls]
        rows = [
            Receiver(
                pk=p.receiver.pk,
                next_sync_at=p.next_sync_at or p.receiver.next_sync_at,
                last_error=p.error[:2000],
            )
            for p in polls
        ]
        with transaction.atomic():
            written = Receiver.objects.filter(pk__in=ids).update(
                status=ReceiverStatus.OFFLINE,
                last_sync_at=now,
                last_sync_result="offline",
                consecutive_failures=F("consecutive_failures") + 1,
            )
            update_rows(Receiver, rows, ["next_sync_at", "last_error"])
            Channel.objects.filter(receiver_id__in=ids).update(
                state=ChannelState.RX_COM_ERROR, updated_at=now
            )
        went_offline = [
            p.receiver
            for p in polls
            if p.receiver.status != ReceiverStatus.OFFLINE or _was_stale(p.receiver, now)
        ]
        for poll, row in zip(polls, rows, strict=True):
            receiver = poll.receiver
            receiver.status, receiver.last_sync_result = ReceiverStatus.OFFLINE, "offline"
            receiver.last_sync_at = now
            receiver.consecutive_failures += 1
            receiver.next_sync_at, receiver.last_error = row.next_sync_at, row.last_error
        return went_offline, written == len(set(ids))

    def _write_one_by_one(
        self, polls: list[PolledSnapshot]
    ) -> tuple[list[int], list[int], dict[int, list[Channel]]]:
        """A receiver deleted mid-poll failed the batch: each in its own transaction now.
        Returns the receivers written (all counted as changed), those that are gone, and
        the channels written."""
        written: list[int] = []
        vanished: list[int] = []
        channels: dict[int, list[Channel]] = {}
        for poll in polls:
            try:
                _, rows = self._write_snapshots([poll])
            except IntegrityError:
                vanished.append(poll.receiver.pk)
            else:
                written.append(poll.receiver.pk)
                channels.update(rows)
        return written, vanished, channels

    def _write_snapshots(
        self, polls: list[PolledSnapshot]
    ) -> tuple[list[int], dict[int, list[Channel]]]:
        """Write the batch; returns the receivers whose displayed values changed, and the
        channels written, by receiver."""
        now = self._clock.now()
        # Unordered: the models' default order joins the receiver and venue tables to sort.
        existing = {
            (c.receiver_id, c.number): c
            for c in Channel.objects.filter(
                receiver_id__in=[p.receiver.pk for p in polls]
            ).order_by()
        }
        by_receiver: dict[int, list[Channel]] = {}
        channels: list[Channel] = []
        samples_due: list[Channel] = []
        changed: set[int] = set()
        for poll in polls:
            if poll.receiver.status != ReceiverStatus.ONLINE or _was_stale(poll.receiver, now):
                changed.add(poll.receiver.pk)
            written = by_receiver.setdefault(poll.receiver.pk, [])
            for values in poll.snapshot.channels:
                previous = existing.pop((poll.receiver.pk, values.number), None)
                channel = self._channel_row(poll.receiver, values, previous, now)
                if previous is None or _shown(channel) != _shown(previous):
                    changed.add(poll.receiver.pk)
                if self._sample_due(channel, previous, now):
                    channel.last_sample_at = now
                    samples_due.append(channel)
                channels.append(channel)
                written.append(channel)
            self._mark_synced(poll, now)
        # What is left in ``existing`` are channels the receivers no longer report.
        gone = [c.pk for c in existing.values()]
        changed.update(receiver_id for receiver_id, _ in existing)
        with transaction.atomic():
            diagnostics = {p.receiver.pk: p.snapshot.diagnostics for p in polls}
            update_rows(
                Receiver,
                [p.receiver for p in polls],
                _SYNCED_FIELDS,
                added={
                    "skipped_messages": lambda r: diagnostics[r.pk].skipped_messages,
                    "resent_requests": lambda r: diagnostics[r.pk].resent_requests,
                },
            )
            self._pin_first_certificates(polls, now)
            upsert_rows(
                Channel,
                channels,
                unique_fields=["receiver", "number"],
                update_fields=_CHANNEL_FIELDS,
            )
            if samples_due:
                TelemetrySample.objects.bulk_create([self._sample_row(c, now) for c in samples_due])
            if gone:
                Channel.objects.filter(pk__in=gone).delete()
        return [p.receiver.pk for p in polls if p.receiver.pk in changed], by_receiver

    @staticmethod
    def _pin_first_certificates(polls: list[PolledSnapshot], now: datetime) -> None:
        """Trust on first use: a receiver with no pin keeps the certificate it presented.
        The update only takes an empty pin, so a pin set meanwhile is never overwritten.
        A venue worker writes it (a sync column); the operator's reset is audited."""
        for poll in polls:
            receiver, presented = poll.receiver, poll.snapshot.diagnostics.certificate
            if not presented or receiver.certificate_sha256:
                continue
            pinned = Receiver.objects.filter(pk=receiver.pk, certificate_sha256="").update(
                certificate_sha256=presented, certificate_pinned_at=now
            )
            if pinned:
                receiver.certificate_sha256, receiver.certificate_pinned_at = presented, now
                log.info("certificate_pinned", receiver_id=receiver.pk, sha256=presented)

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
        receiver.firmware = snapshot.firmware or receiver.firmware
        receiver.device_id = snapshot.device_id or receiver.device_id
        diagnostics = snapshot.diagnostics
        receiver.request_form = diagnostics.request_form
        receiver.skipped_messages += diagnostics.skipped_messages
        receiver.resent_requests += diagnostics.resent_requests
        if diagnostics.skipped_messages:
            receiver.last_skipped_message = diagnostics.last_skipped[:300]

    # --- helpers ------------------------------------------------------------------------

    @staticmethod
    def _channel_row(
        receiver: Receiver, values: ChannelSnapshot, previous: Channel | None, now: datetime
    ) -> Channel:
        last_bars = previous.last_battery_bars if previous else None
        last_runtime = previous.last_runtime_minutes if previous else None
        seen_at = previous.battery_seen_at if previous else None
        if values.battery_bars is not None:
            last_bars, last_runtime, seen_at = values.battery_bars, values.runtime_minutes, now
        peak_at = now if values.audio_peak else (previous.audio_peak_at if previous else None)
        state = derive_state(
            StateInputs(
                receiver_reachable=True,
                battery_bars=values.battery_bars,
                last_battery_bars=last_bars,
                battery_seen_at=seen_at,
                audio_peak_at=peak_at,
                has_battery=values.has_battery,
                battery_percent=values.battery_percent,
                percent_levels=(
                    receiver.venue.battery_good_percent,
                    receiver.venue.battery_replace_percent,
                ),
                runtime_minutes=values.runtime_minutes,
                runtime_levels=venue_runtime_levels(receiver.venue),
                last_runtime_minutes=last_runtime,
            ),
            now=now,
        )
        return Channel(
            receiver_id=receiver.pk,
            number=values.number,
            name=values.name,
            frequency_khz=values.frequency_khz,
            battery_bars=values.battery_bars,
            battery_percent=values.battery_percent,
            runtime_minutes=values.runtime_minutes,
            tx_type=values.tx_type,
            tx_offset_db=values.tx_offset_db,
            rf_level=values.rf_level,
            rf_levels=list(values.rf_levels),
            rf_quality=values.rf_quality,
            audio_level=values.audio_level,
            antenna=values.antenna,
            muted=values.muted,
            warnings=list(values.warnings),
            audio_gain_db=values.audio_gain_db,
            group_channel=values.group_channel,
            state=state,
            last_battery_bars=last_bars,
            last_runtime_minutes=last_runtime,
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
