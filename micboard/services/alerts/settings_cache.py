"""A venue's alert settings kept by a worker between evaluations, while they are current.

The settings are its rules, weekly watched hours and watched events. Each batch's
receivers arrive with their venue row, and with it the venue's
``alert_settings_version``, which every change to those settings moves (ADR 0039). Kept
settings are used while their version is the venue's and they are younger than
``SETTINGS_LIFETIME_SECONDS``; otherwise the venue's settings are read again, in 3 queries
for every venue of the batch that needs them. The lifetime bounds what a change that moves
no version (a hand-written SQL update) can take to be seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from micboard.infrastructure.clock import Clock
from micboard.models import AlertRule, Venue, WatchedEvent, WatchedHours
from micboard.services.alerts.watch import WATCH_LOOKAHEAD

SETTINGS_LIFETIME_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class VenueAlertSettings:
    """What evaluation needs of a venue's settings, as one read found them."""

    rules: tuple[AlertRule, ...]
    """Every rule, disabled ones too (an active alert of a rule disabled since finds it)."""
    weekly: tuple[WatchedHours, ...]
    events: tuple[WatchedEvent, ...]
    """Events that had not ended when read and start within ``WATCH_LOOKAHEAD`` of then."""

    def events_at(self, now: datetime) -> list[WatchedEvent]:
        """The events that count at ``now``: those ended since the read no longer do."""
        return [event for event in self.events if event.ends_at > now]


@dataclass(frozen=True, slots=True)
class _Kept:
    key: tuple[int, datetime]
    """The venue's settings version and creation time (a reused id is another venue)."""
    read_at: float
    settings: VenueAlertSettings


def _key(venue: Venue) -> tuple[int, datetime]:
    return (venue.alert_settings_version, venue.created_at)


class AlertSettingsCache:
    """Per process, shared by its threads: each venue's entry is replaced whole."""

    def __init__(self, *, clock: Clock, lifetime_seconds: float = SETTINGS_LIFETIME_SECONDS):
        self._clock = clock
        self._lifetime = lifetime_seconds
        self._kept: dict[int, _Kept] = {}

    def venues_settings(
        self, venues: Mapping[int, Venue], now: datetime
    ) -> dict[int, VenueAlertSettings]:
        """The settings of each venue: kept ones while current, the others read now."""
        read_at = self._clock.monotonic()
        found: dict[int, VenueAlertSettings] = {}
        for pk, venue in venues.items():
            kept = self._kept.get(pk)
            if (
                kept is not None
                and kept.key == _key(venue)
                and read_at - kept.read_at < self._lifetime
            ):
                found[pk] = kept.settings
        missing = [pk for pk in venues if pk not in found]
        if missing:
            for pk, settings in _read(missing, now).items():
                self._kept[pk] = _Kept(_key(venues[pk]), read_at, settings)
                found[pk] = settings
            self._forget_older_than(read_at - self._lifetime)
        return found

    def _forget_older_than(self, moment: float) -> None:
        """Venues no batch asked about for a lifetime (deleted ones among them) go."""
        for pk, kept in list(self._kept.items()):
            if kept.read_at <= moment:
                self._kept.pop(pk, None)


def _read(venue_ids: list[int], now: datetime) -> dict[int, VenueAlertSettings]:
    rules: dict[int, list[AlertRule]] = defaultdict(list)
    for rule in AlertRule.objects.filter(venue_id__in=venue_ids).order_by("kind"):
        rules[rule.venue_id].append(rule)
    weekly: dict[int, list[WatchedHours]] = defaultdict(list)
    for hours in WatchedHours.objects.filter(venue_id__in=venue_ids).order_by():
        weekly[hours.venue_id].append(hours)
    events: dict[int, list[WatchedEvent]] = defaultdict(list)
    for event in WatchedEvent.objects.filter(
        venue_id__in=venue_ids, ends_at__gt=now, starts_at__lt=now + WATCH_LOOKAHEAD
    ).order_by():
        events[event.venue_id].append(event)
    return {
        pk: VenueAlertSettings(tuple(rules[pk]), tuple(weekly[pk]), tuple(events[pk]))
        for pk in venue_ids
    }
