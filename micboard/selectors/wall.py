"""What a display wall shows: one tile per channel, read with a fixed number of queries.

A receiver that has not reported a channel yet still gets its tiles, so an unreachable
receiver is never simply missing from the wall. Disabled receivers are left out.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.utils import timezone

from micboard.formatting import format_frequency, format_runtime, split_channel_name
from micboard.integrations.base import (
    AUDIO_DBFS_OFFSET,
    AUDIO_PEAK_LEVEL,
    MAX_AUDIO_LEVEL,
    MAX_RF_LEVEL,
    RF_DBM_OFFSET,
)
from micboard.models import (
    Alert,
    AlertState,
    Channel,
    ChannelGroup,
    ChannelGroupMember,
    ChannelState,
    Receiver,
    ReceiverStatus,
    Venue,
)
from micboard.selectors.alerts import raised_alerts_by_subject
from micboard.selectors.freshness import stale_since, synced_or_added_at
from micboard.selectors.performers import AssignedNow, assigned_now

NO_DATA = "NO_DATA"
STALE = str(ChannelState.STALE)
STATE_LABELS = {str(value): str(label) for value, label in ChannelState.choices} | {
    NO_DATA: "No data yet"
}

Tile = dict[str, Any]


def tile_key(receiver_id: int, number: int) -> str:
    return f"{receiver_id}:{number}"


def _percent(value: int | None, full_scale: int) -> int | None:
    if value is None:
        return None
    return max(0, min(100, round(value * 100 / full_scale)))


def _channel_values(channel: Channel) -> Tile:
    chan_id, chan_name = split_channel_name(channel.name)
    antenna = channel.antenna.upper()
    return {
        "channel": channel.pk,
        "id": chan_id,
        "name": chan_name,
        "state": channel.state,
        "battery": channel.battery_bars,
        "runtime": format_runtime(channel.runtime_minutes),
        "frequency": format_frequency(channel.frequency_khz),
        "rf": _percent(channel.rf_level, MAX_RF_LEVEL),
        "rf_dbm": None if channel.rf_level is None else channel.rf_level - RF_DBM_OFFSET,
        "audio": _percent(channel.audio_level, MAX_AUDIO_LEVEL),
        "audio_dbfs": (
            None if channel.audio_level is None else channel.audio_level - AUDIO_DBFS_OFFSET
        ),
        "audio_peak": (channel.audio_level or 0) >= AUDIO_PEAK_LEVEL,
        "antenna_a": antenna[:1] == "A",
        "antenna_b": antenna[1:2] == "B",
        "rf_antennas": [_percent(level, MAX_RF_LEVEL) for level in channel.rf_levels],
        "rf_quality": channel.rf_quality,
        "battery_percent": channel.battery_percent,
        "muted": channel.muted,
        "warnings": list(channel.warnings),
        "tx": channel.tx_type,
    }


def _placeholder(receiver: Receiver) -> Tile:
    state = ChannelState.RX_COM_ERROR if receiver.status == ReceiverStatus.OFFLINE else NO_DATA
    return {
        "channel": None,
        "id": "",
        "name": "",
        "state": state,
        "battery": None,
        "runtime": format_runtime(None),
        "frequency": format_frequency(None),
        "rf": None,
        "rf_dbm": None,
        "audio": None,
        "audio_dbfs": None,
        "audio_peak": False,
        "antenna_a": False,
        "antenna_b": False,
        "rf_antennas": [],
        "rf_quality": None,
        "battery_percent": None,
        "muted": None,
        "warnings": [],
        "tx": "",
    }


def _alert_values(alerts: list[Alert]) -> Tile:
    """A tile's badge: the worst of its raised alerts (open before acknowledged)."""
    if not alerts:
        return {"alert": None, "alert_text": ""}
    open_first = sorted(alerts, key=lambda a: a.state != AlertState.OPEN)
    return {"alert": open_first[0].state, "alert_text": "; ".join(a.summary for a in open_first)}


def _tiles(
    receivers: list[Receiver],
    channels: list[Channel],
    alerts: dict[str, list[Alert]],
    performers: AssignedNow,
    *,
    now: datetime,
) -> list[Tile]:
    by_receiver: dict[int, dict[int, Channel]] = defaultdict(dict)
    for channel in channels:
        by_receiver[channel.receiver_id][channel.number] = channel
    tiles = []
    for receiver in receivers:
        reported = by_receiver[receiver.pk]
        numbers = sorted(set(range(1, receiver.channel_count + 1)) | set(reported))
        stale = now >= stale_since(receiver, polls=receiver.venue.stale_after_polls)
        synced_at = receiver.last_sync_at.isoformat() if receiver.last_sync_at else None
        for number in numbers:
            row = reported.get(number)
            values = _channel_values(row) if row else _placeholder(receiver)
            # Old data is never shown in a healthy colour: the tile says stale and how old.
            values["data_state"] = values["state"]
            if stale:
                values["state"] = STALE
            values["state_label"] = STATE_LABELS[values["state"]]
            raised = alerts.get(f"r{receiver.pk}", []) + (
                alerts.get(f"c{row.pk}", []) if row else []
            )
            values |= _alert_values(raised)
            values["stale"] = stale
            values["synced_at"] = synced_at
            values["performer"] = performers.tile(receiver.pk, number)
            tiles.append(
                {
                    "key": tile_key(receiver.pk, number),
                    "venue": receiver.venue.slug,
                    "receiver": receiver.name,
                    "number": number,
                    **values,
                }
            )
    return tiles


def _groups(venue: Venue, channels: list[Channel]) -> list[dict[str, Any]]:
    keys = {channel.pk: tile_key(channel.receiver_id, channel.number) for channel in channels}
    members: dict[int, list[str]] = defaultdict(list)
    rows = ChannelGroupMember.objects.filter(group__venue=venue).order_by(
        "group_id", "position", "pk"
    )
    for group_id, channel_id in rows.values_list("group_id", "channel_id"):
        if channel_id in keys:
            members[group_id].append(keys[channel_id])
    groups = ChannelGroup.objects.filter(venue=venue).order_by("number")
    return [
        {"number": number, "title": title, "tiles": members[pk]}
        for pk, number, title in groups.values_list("pk", "number", "title")
    ]


def _next_stale_at(receivers: list[Receiver], *, now: datetime) -> datetime | None:
    """The next moment a receiver shown fresh turns stale: the wall changes then too."""
    upcoming = [
        at
        for at in (stale_since(r, polls=r.venue.stale_after_polls) for r in receivers)
        if at > now
    ]
    return min(upcoming, default=None)


def _venue_entries(receivers: list[Receiver], *, now: datetime) -> list[dict[str, Any]]:
    """Each venue shown, with "venue worker not reporting since ..." when all its data is old."""
    by_venue: dict[int, list[Receiver]] = defaultdict(list)
    for receiver in receivers:
        by_venue[receiver.venue_id].append(receiver)
    entries = []
    for group in by_venue.values():
        venue = group[0].venue
        fresh = [r for r in group if now < stale_since(r, polls=venue.stale_after_polls)]
        newest = max(synced_or_added_at(r) for r in group)
        since = f"{timezone.localtime(newest):%H:%M:%S}"
        entries.append(
            {
                "slug": venue.slug,
                "name": venue.name,
                "not_reporting": "" if fresh else f"venue worker not reporting since {since}",
            }
        )
    return entries


def wall_read(*, venue: Venue | None, version: int) -> dict[str, Any]:
    """The wall of ``venue`` (None: every venue): 4 queries, 6 with a venue's groups.

    ``stale_at`` is when the wall next changes by itself: a receiver's data turning stale,
    or an event starting or ending that has performers assigned."""
    now = timezone.now()
    receivers = list(
        Receiver.objects.filter(enabled=True)
        .filter(**({"venue": venue} if venue else {}))
        .select_related("venue")
        .only(
            "name",
            "status",
            "channel_count",
            "enabled",
            "poll_interval",
            "last_sync_at",
            "created_at",
            "venue__name",
            "venue__slug",
            "venue__stale_after_polls",
        )
        .order_by("venue__name", "venue_id", "name", "pk")
    )
    channels = list(
        Channel.objects.filter(receiver__enabled=True)
        .filter(**({"receiver__venue": venue} if venue else {}))
        .order_by("receiver_id", "number")
    )
    venue_ids = list(dict.fromkeys(r.venue_id for r in receivers))
    alerts = raised_alerts_by_subject(venue_ids=[venue.pk] if venue else venue_ids)
    performers = assigned_now(venue=venue, now=now)
    stale_at = min(
        (at for at in (_next_stale_at(receivers, now=now), performers.next_change_at) if at),
        default=None,
    )
    return {
        "version": str(version),
        "generated_at": now.isoformat(),
        "stale_at": stale_at.isoformat() if stale_at else None,
        "venue": {"slug": venue.slug, "name": venue.name} if venue else None,
        "venues": _venue_entries(receivers, now=now),
        "tiles": _tiles(receivers, channels, alerts, performers, now=now),
        "alerts": _banner(alerts),
        "groups": _groups(venue, channels) if venue else [],
    }


def _banner(alerts: dict[str, list[Alert]]) -> list[dict[str, Any]]:
    """The raised alerts, open ones first, oldest first: what the wall's banner lists."""
    raised = sorted(
        (a for found in alerts.values() for a in found),
        key=lambda a: (a.state != AlertState.OPEN, a.opened_at or a.condition_since, a.pk),
    )
    return [{"id": a.pk, "state": a.state, "summary": a.summary, "count": a.count} for a in raised]


@dataclass(frozen=True, slots=True)
class WallFrame:
    """One rendered version of a wall; ``version`` None when Redis could not be asked."""

    version: int | None
    gzipped: bytes
    rendered_at: float = 0.0

    @property
    def json(self) -> bytes:
        return gzip.decompress(self.gzipped)


class WallFeed(Protocol):
    """The wall's cached read: its current version cheaply, each version rendered once."""

    def bump(self, *, venue_id: int) -> None:
        """Mark the venue's wall as changed."""
        ...

    def version(self, *, venue_id: int | None) -> int | None:
        """The wall's current version; None when it cannot be asked."""
        ...

    def frame(self, *, venue_id: int | None, version: int | None) -> WallFrame:
        """The wall at ``version`` or newer; raises ``NotFoundError`` for a venue gone."""
        ...
