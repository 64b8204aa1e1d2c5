"""Whether a venue is watched at a moment: its weekly hours and one-off events, local time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from micboard.models import WatchedEvent, WatchedHours


def venue_zone(name: str) -> ZoneInfo:
    """The venue's time zone; UTC for a name the system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _in_window(hours: WatchedHours, local: datetime) -> bool:
    day, now = local.weekday(), local.time()
    if hours.starts < hours.ends:
        return hours.weekday == day and hours.starts <= now < hours.ends
    # The window runs past midnight (or a whole day when start equals end).
    if hours.weekday == day and now >= hours.starts:
        return True
    return (hours.weekday + 1) % 7 == day and now < hours.ends


def is_watched(
    *,
    zone: ZoneInfo,
    weekly: list[WatchedHours],
    events: list[WatchedEvent],
    now: datetime,
) -> bool:
    """True during a weekly window or an event; a venue with neither is always watched."""
    if not weekly and not events:
        return True
    if any(event.starts_at <= now < event.ends_at for event in events):
        return True
    local = now.astimezone(zone)
    return any(_in_window(hours, local) for hours in weekly)


def in_quiet_hours(
    *, quiet_from: time | None, quiet_until: time | None, zone: ZoneInfo, now: datetime
) -> bool:
    """True between a contact's quiet start and end (which may run past midnight)."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    local = now.astimezone(zone).time()
    if quiet_from < quiet_until:
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until


def quiet_hours_end(
    *, quiet_from: time | None, quiet_until: time | None, zone: ZoneInfo, now: datetime
) -> datetime | None:
    """When the contact's current quiet hours end (UTC), or None when it is not in them.

    The end is the next ``quiet_until`` in venue time; a wall-clock time a daylight-saving
    change skips or repeats resolves as Python's ``fold=0`` does, then converts to UTC."""
    if not in_quiet_hours(quiet_from=quiet_from, quiet_until=quiet_until, zone=zone, now=now):
        return None
    assert quiet_until is not None  # noqa: S101 - in quiet hours, both ends are set
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), quiet_until, tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet_until, tzinfo=zone)
    return end.astimezone(UTC)


WATCH_LOOKAHEAD = timedelta(days=366)
"""Events ending further ahead than this do not make a venue "scheduled" yet."""
